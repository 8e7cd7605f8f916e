package io.chatpipe.reliability.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/** The loopback ports of one stack. */
public record Ports(int kafka, int kafkaController, int xmppClient, int xmppHttp, int api, int history, int worker) {

    /** Ports nothing listens on right now, for a stack of a test. */
    public static Ports free() {
        return new Ports(freePort(), freePort(), freePort(), freePort(), freePort(), freePort(), freePort());
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

    static int freePort() {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
