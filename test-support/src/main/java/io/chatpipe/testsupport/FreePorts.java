package io.chatpipe.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loopback ports for the servers a test starts. They are taken below Linux's ephemeral range (32768-60999), from
 * which the kernel gives the local port of every outgoing connection, so that none of the many connections the
 * tests open takes a port between its pick and the server's bind (a history-service once failed to start on such a
 * port in CI); and above the ports of {@code ./chatpipe chaos} (20000 above run's: 25222-29097, a three-broker cluster included). One JVM goes
 * through the range in turn from a random start, so it never hands out a port twice until the range wraps.
 */
public final class FreePorts {

    public static final int FIRST = 30000;
    public static final int LAST = 32767;

    private static final AtomicInteger next =
            new AtomicInteger(ThreadLocalRandom.current().nextInt(LAST - FIRST + 1));

    private FreePorts() {}

    /** A port nothing listens on right now. */
    public static int pick() {
        while (true) {
            int port = FIRST + Math.floorMod(next.getAndIncrement(), LAST - FIRST + 1);
            if (canBind(port)) {
                return port;
            }
        }
    }

    /** Whether something listens on the loopback port now (a server a test stopped should not). */
    public static boolean listening(int port) {
        try (var socket = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean canBind(int port) {
        try (var socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
