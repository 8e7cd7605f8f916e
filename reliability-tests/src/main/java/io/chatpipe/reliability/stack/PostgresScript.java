package io.chatpipe.reliability.stack;

import java.nio.file.Path;
import java.util.Map;

/**
 * A project-local PostgreSQL holding ejabberd's message archive, run by stack/postgres/postgres-local, the script
 * ./chatpipe run uses, with its own data directory and port.
 */
public final class PostgresScript {

    private final StackScript script;
    private final int port;

    public PostgresScript(Path root, Path dataDir, int port) {
        this.script = new StackScript(root, "stack/postgres/postgres-local", dataDir);
        this.port = port;
    }

    /** Starts the cluster, returning once it answers; a running one is left as it is. */
    public void start() {
        script.run("start", env());
    }

    /** A clean fast shutdown. */
    public void stop() {
        script.run("stop", env());
    }

    /** What stack/ejabberd/ejabberd-local needs to find this cluster. */
    Map<String, String> ejabberdEnv() {
        return Map.of("CHATPIPE_POSTGRES_PORT", Integer.toString(port),
                "CHATPIPE_POSTGRES_DIR", script.dataDir().toString());
    }

    private Map<String, String> env() {
        return Map.of("CHATPIPE_POSTGRES_PORT", Integer.toString(port), "CHATPIPE_POSTGRES_START_TIMEOUT", "180");
    }
}
