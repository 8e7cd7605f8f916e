package io.chatpipe.supervisor;

import java.util.ArrayList;
import java.util.List;

/**
 * How many of each part a stack runs, and where the extra ones listen: {@code brokers} Kafka brokers of one KRaft
 * cluster (the first on the stack's Kafka ports, broker {@code n > 1} on {@code clusterPort + 2 (n - 2)} and the
 * controller port above it, as {@code ./chatpipe run --brokers N} places them), every topic then replicated
 * {@code min(brokers, 3)} times with all copies but one in sync for a write; and {@code instances} of each
 * service, instance {@code i} (from 0) on its service's port {@code + i * instancePortStep}.
 */
public record Scale(int brokers, int instances, int clusterPort, int instancePortStep) {

    /** One broker, one of each service: what {@code ./chatpipe run} starts. */
    public static final Scale SINGLE = new Scale(1, 1, 0, 0);

    public Scale {
        if (brokers < 1 || brokers > 9 || instances < 1 || instances > 9) {
            throw new IllegalArgumentException("brokers and instances are 1 to 9, not " + brokers + " and " + instances);
        }
    }

    /** How many copies of each partition. */
    public int replicas() {
        return Math.min(brokers, 3);
    }

    /** The client port of broker {@code n} (from 1). */
    public int brokerPort(Ports ports, int n) {
        return n == 1 ? ports.kafka() : clusterPort + 2 * (n - 2);
    }

    /** The controller port of broker {@code n} (from 1). */
    public int controllerPort(Ports ports, int n) {
        return n == 1 ? ports.kafkaController() : clusterPort + 2 * (n - 2) + 1;
    }

    /** The port of instance {@code i} (from 0) of a service whose first instance listens on {@code port}. */
    public int instancePort(int port, int i) {
        return port + i * instancePortStep;
    }

    /** The stack's ports and this scale's extra ones that something listens on already. */
    public List<String> taken(Ports ports) {
        List<String> taken = new ArrayList<>(ports.taken());
        for (int n = 2; n <= brokers; n++) {
            Ports.check(taken, "Kafka broker " + n, brokerPort(ports, n));
            Ports.check(taken, "Kafka broker " + n + " controller", controllerPort(ports, n));
        }
        for (int i = 1; i < instances; i++) {
            Ports.check(taken, "api-service " + (i + 1), instancePort(ports.api(), i));
            Ports.check(taken, "history-service " + (i + 1), instancePort(ports.history(), i));
            Ports.check(taken, "xmpp-delivery-worker " + (i + 1), instancePort(ports.worker(), i));
            Ports.check(taken, "xmpp-capture " + (i + 1), instancePort(ports.capture(), i));
        }
        return taken;
    }
}
