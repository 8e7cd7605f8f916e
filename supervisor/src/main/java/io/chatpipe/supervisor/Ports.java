package io.chatpipe.supervisor;

import java.util.function.IntSupplier;

/**
 * Where a stack listens on loopback: each part's first port; broker {@code n > 1} of a cluster on
 * {@code kafkaCluster + 2 (n - 2)} with its controller on the port above, as {@code ./chatpipe run --brokers N} places
 * them; instance {@code i} (from 0) of a service on its port {@code + i * instanceStep}.
 */
public record Ports(int kafka, int kafkaController, int kafkaCluster, int xmppClient, int xmppHttp, int postgres,
        int api, int history, int worker, int capture, int webhooks, int instanceStep) {

    /** {@code ./chatpipe run}'s: its help lists them. */
    public static final Ports RUN = new Ports(9092, 9093, 9094, 5222, 5280, 5433, 8080, 8081, 8082, 8083, 8084, 10);

    public Ports {
        for (int port : new int[] {kafka, kafkaController, kafkaCluster, xmppClient, xmppHttp, postgres, api, history,
                worker, capture, webhooks}) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("a port is 1 to 65535, not " + port);
            }
        }
    }

    /** Each port from {@code pick} (e.g. a free one): a stack of one of each service; {@link #block} for more. */
    public static Ports picked(IntSupplier pick) {
        return new Ports(pick.getAsInt(), pick.getAsInt(), pick.getAsInt(), pick.getAsInt(), pick.getAsInt(),
                pick.getAsInt(), pick.getAsInt(), pick.getAsInt(), pick.getAsInt(), pick.getAsInt(), pick.getAsInt(), 0);
    }

    /**
     * A stack on ports in a row from {@code first}: the eleven first ports, brokers 2 and 3 of a cluster on the four
     * above them, instance {@code i} of each service {@code 16 i} above its first (26 ports for two of each).
     */
    public static Ports block(int first) {
        return new Ports(first, first + 1, first + 11, first + 2, first + 3, first + 4, first + 5, first + 6,
                first + 7, first + 8, first + 9, 16);
    }

    /** The same ports {@code offset} higher, as {@code ./chatpipe chaos} and the bench place their stacks. */
    public Ports above(int offset) {
        return new Ports(kafka + offset, kafkaController + offset, kafkaCluster + offset, xmppClient + offset,
                xmppHttp + offset, postgres + offset, api + offset, history + offset, worker + offset,
                capture + offset, webhooks + offset, instanceStep);
    }

    /** The client port of broker {@code n} (from 1). */
    public int broker(int n) {
        return n == 1 ? kafka : kafkaCluster + 2 * (n - 2);
    }

    /** The controller port of broker {@code n} (from 1). */
    public int controller(int n) {
        return n == 1 ? kafkaController : kafkaCluster + 2 * (n - 2) + 1;
    }

    /** The port of instance {@code i} (from 0) of the service. */
    public int of(Service service, int instance) {
        int first = switch (service) {
            case HISTORY -> history;
            case API -> api;
            case CAPTURE -> capture;
            case WORKER -> worker;
            case WEBHOOKS -> webhooks;
        };
        return first + instance * instanceStep;
    }
}
