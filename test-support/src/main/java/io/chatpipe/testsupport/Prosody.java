package io.chatpipe.testsupport;

import java.util.Map;

/**
 * A real Prosody (the distribution's package), a second XMPP server for the standard-client delivery
 * path, started by the repository's stack/prosody/prosody-local on a free loopback port. One per test JVM.
 */
public final class Prosody extends LocalXmppServer {

    private static Prosody shared;

    private final int clientPort = FreePorts.pick();

    private Prosody() {
        super("stack/prosody/prosody-local", "prosody");
    }

    /** The test JVM's Prosody, started on first use and stopped when the JVM exits. */
    public static synchronized Prosody shared() {
        if (shared == null) {
            shared = startedForThisJvm(new Prosody());
        }
        return shared;
    }

    @Override
    public int clientPort() {
        return clientPort;
    }

    @Override
    Map<String, String> env() {
        return Map.of("CHATPIPE_XMPP_DOMAIN", domain(), "CHATPIPE_PROSODY_C2S_PORT", Integer.toString(clientPort));
    }
}
