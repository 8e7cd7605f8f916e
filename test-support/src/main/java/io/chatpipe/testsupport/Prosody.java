package io.chatpipe.testsupport;

import java.util.HashMap;
import java.util.Map;

/**
 * A real Prosody (the distribution's package), a second XMPP server for the standard-client delivery
 * path, started by the repository's stack/prosody/prosody-local on a free loopback port, with its message
 * archive (mod_mam) in a PostgreSQL of its own ({@link #archive()}: table
 * {@value Postgres#PROSODY_ARCHIVE_TABLE}, which Prosody makes when it first archives a message). One per
 * test JVM.
 */
public final class Prosody extends LocalXmppServer {

    private static Prosody shared;

    private final int clientPort = FreePorts.pick();

    private Prosody(Postgres archive) {
        super("stack/prosody/prosody-local", "prosody", archive);
    }

    /** The test JVM's Prosody and its PostgreSQL, started on first use and stopped when the JVM exits. */
    public static synchronized Prosody shared() {
        if (shared == null) {
            shared = startedForThisJvm(Postgres::startedForProsody, Prosody::new);
        }
        return shared;
    }

    @Override
    public int clientPort() {
        return clientPort;
    }

    @Override
    Map<String, String> env() {
        var env = new HashMap<>(archive().serverEnv());
        env.put("CHATPIPE_XMPP_DOMAIN", domain());
        env.put("CHATPIPE_PROSODY_C2S_PORT", Integer.toString(clientPort));
        return env;
    }
}
