package io.chatpipe.supervisor;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/** The loopback ports of one stack. */
public record Ports(int kafka, int kafkaController, int xmppClient, int xmppHttp, int postgres, int api, int history,
        int worker, int capture) {

    /** The ports of this stack that something listens on already, as {@code name port} pairs. */
    public List<String> taken() {
        List<String> taken = new ArrayList<>();
        check(taken, "Kafka", kafka);
        check(taken, "Kafka controller", kafkaController);
        check(taken, "XMPP c2s", xmppClient);
        check(taken, "ejabberd HTTP", xmppHttp);
        check(taken, "PostgreSQL", postgres);
        check(taken, "api-service", api);
        check(taken, "history-service", history);
        check(taken, "xmpp-delivery-worker", worker);
        check(taken, "xmpp-capture", capture);
        return taken;
    }

    static void check(List<String> taken, String name, int port) {
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            taken.add(name + " 127.0.0.1:" + port);
        } catch (IOException e) {
            // free
        }
    }
}
