package io.chatpipe.reliability.stack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** The loopback ports of one stack. */
public record Ports(int kafka, int kafkaController, int xmppClient, int xmppHttp, int api, int history, int worker) {

    /**
     * Where {@link #free()} picks: below Linux's ephemeral range (32768-60999), from which the kernel gives the local
     * port of every outgoing connection, so that none of the many the tests open takes a port between its pick and
     * the server's bind (a history-service once failed to start on such a port in CI); and above the ports of
     * {@code ./chatpipe chaos} (20000 above run's: 25222-29093).
     */
    static final int FIRST = 30000;
    static final int LAST = 32767;

    /** Distinct ports nothing listens on right now, for a stack of a test. */
    public static Ports free() {
        var picked = new LinkedHashSet<Integer>();
        while (picked.size() < 7) {
            int port = ThreadLocalRandom.current().nextInt(FIRST, LAST + 1);
            if (!picked.contains(port) && canBind(port)) {
                picked.add(port);
            }
        }
        var p = picked.stream().mapToInt(Integer::intValue).toArray();
        return new Ports(p[0], p[1], p[2], p[3], p[4], p[5], p[6]);
    }

    private static boolean canBind(int port) {
        try (var socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The ports of this stack that something listens on already, as {@code name port} pairs. */
    public List<String> taken() {
        List<String> taken = new ArrayList<>();
        check(taken, "Kafka", kafka);
        check(taken, "Kafka controller", kafkaController);
        check(taken, "XMPP c2s", xmppClient);
        check(taken, "ejabberd HTTP", xmppHttp);
        check(taken, "api-service", api);
        check(taken, "history-service", history);
        check(taken, "xmpp-delivery-worker", worker);
        return taken;
    }

    private static void check(List<String> taken, String name, int port) {
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            taken.add(name + " 127.0.0.1:" + port);
        } catch (IOException e) {
            // free
        }
    }
}
