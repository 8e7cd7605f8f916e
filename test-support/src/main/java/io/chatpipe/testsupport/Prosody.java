package io.chatpipe.testsupport;

import java.util.HashMap;
import java.util.Map;

/**
 * A real Prosody (the distribution's package), a second XMPP server for the standard-client delivery
 * path, started by the repository's stack/prosody/prosody-local on a free loopback port, with its message
 * archive (mod_mam) in a PostgreSQL of its own ({@link #archive()}). One per test JVM.
 */
public final class Prosody extends LocalXmppServer {

    private static Prosody shared;

    private final int clientPort = FreePorts.pick();
    private final Postgres archive;

    private Prosody(Postgres archive) {
        super("stack/prosody/prosody-local", "prosody");
        this.archive = archive;
    }

    /** The test JVM's Prosody and its PostgreSQL, started on first use and stopped when the JVM exits. */
    public static synchronized Prosody shared() {
        if (shared == null) {
            Postgres archive = Postgres.startedForProsody();
            try {
                shared = startedForThisJvm(new Prosody(archive));
            } catch (RuntimeException e) {
                archive.close();
                throw e;
            }
        }
        return shared;
    }

    /** Starts Prosody (again), and its archive's database first when that was stopped. */
    @Override
    public void start() {
        archive.start();
        super.start();
    }

    @Override
    public int clientPort() {
        return clientPort;
    }

    /**
     * The PostgreSQL that holds this Prosody's message archive (table {@value Postgres#PROSODY_ARCHIVE_TABLE},
     * made by Prosody when it first archives a message), ready for change data capture.
     */
    public Postgres archive() {
        return archive;
    }

    /** Stops Prosody, then the archive's database, and removes both's data. */
    @Override
    void shutDown() {
        try {
            super.shutDown();
        } finally {
            archive.close();
        }
    }

    @Override
    Map<String, String> env() {
        var env = new HashMap<>(archive.serverEnv());
        env.put("CHATPIPE_XMPP_DOMAIN", domain());
        env.put("CHATPIPE_PROSODY_C2S_PORT", Integer.toString(clientPort));
        return env;
    }
}
