package io.chatpipe.supervisor;

import io.chatpipe.stack.StackScript;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A project-local PostgreSQL holding ejabberd's message archive, run by stack/postgres/postgres-local, the script
 * ./chatpipe run uses, with its own data directory and port.
 */
public final class PostgresScript {

    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(240);

    private final StackScript script;
    private final Path dataDir;
    private final int port;

    public PostgresScript(Path root, Path dataDir, int port) {
        this.script = new StackScript(root, "stack/postgres/postgres-local");
        this.dataDir = dataDir;
        this.port = port;
    }

    /** Starts the cluster, returning once it answers; a running one is left as it is. */
    public void start() {
        script.run(env(), SCRIPT_TIMEOUT, "start", dataDir.toString());
    }

    /** A clean fast shutdown. */
    public void stop() {
        script.run(env(), SCRIPT_TIMEOUT, "stop", dataDir.toString());
    }

    /** Whether a cluster runs on this data directory (one an earlier run killed outright may have left). */
    boolean running() {
        return script.succeeds(env(), SCRIPT_TIMEOUT, "status", dataDir.toString());
    }

    /**
     * The archive as xmpp-capture reads it, with the capture role's password from the secrets postgres-local
     * made in its data directory on first start, as {@code ./chatpipe}'s start_capture reads it.
     */
    ArchiveAccess access() {
        return new ArchiveAccess("127.0.0.1", port, "ejabberd", "chatpipe_capture", "chatpipe_archive", () -> {
            try {
                return Files.readString(dataDir.resolve("secrets/capture-password")).strip();
            } catch (IOException e) {
                throw new UncheckedIOException("no capture password in " + dataDir.resolve("secrets"), e);
            }
        });
    }

    /** What stack/ejabberd/ejabberd-local needs to find this cluster. */
    Map<String, String> ejabberdEnv() {
        return Map.of("CHATPIPE_POSTGRES_PORT", Integer.toString(port),
                "CHATPIPE_POSTGRES_DIR", dataDir.toString());
    }

    private Map<String, String> env() {
        return Map.of("CHATPIPE_POSTGRES_PORT", Integer.toString(port), "CHATPIPE_POSTGRES_START_TIMEOUT", "180");
    }
}
