package io.chatpipe.supervisor;

import io.chatpipe.stack.StackScript;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A project-local ejabberd run by stack/ejabberd/ejabberd-local, the script ./chatpipe run uses, with its
 * own data directory and ports, and its message archive in a PostgreSQL of its own (stack/postgres/postgres-local).
 */
public final class EjabberdScript implements XmppServerControl {

    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(240);

    private final StackScript script;
    private final Path dataDir;
    private final PostgresScript archive;
    private final String domain;
    private final int clientPort;
    private final int httpPort;

    public EjabberdScript(Path root, Path dataDir, String domain, int clientPort, int httpPort, PostgresScript archive) {
        this.script = new StackScript(root, "stack/ejabberd/ejabberd-local");
        this.dataDir = dataDir;
        this.archive = archive;
        this.domain = domain;
        this.clientPort = clientPort;
        this.httpPort = httpPort;
    }

    @Override
    public String domain() {
        return domain;
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int clientPort() {
        return clientPort;
    }

    @Override
    public String apiUrl() {
        return "http://127.0.0.1:" + httpPort + "/api";
    }

    @Override
    public void start() {
        script.run(env(), SCRIPT_TIMEOUT, "start", dataDir.toString());
    }

    @Override
    public void stop() {
        script.run(env(), SCRIPT_TIMEOUT, "stop", dataDir.toString());
    }

    /** Whether an ejabberd runs on this data directory (one an earlier run killed outright may have left). */
    boolean running() {
        return script.succeeds(env(), SCRIPT_TIMEOUT, "status", dataDir.toString());
    }

    /** Whether its PostgreSQL runs on its data directory (one an earlier run killed outright may have left). */
    boolean storageRunning() {
        return archive.running();
    }

    @Override
    public ArchiveAccess archive() {
        return archive.access();
    }

    @Override
    public void startStorage() {
        archive.start();
    }

    @Override
    public void stopStorage() {
        archive.stop();
    }

    public Path dataDir() {
        return dataDir;
    }

    private Map<String, String> env() {
        var env = new HashMap<>(archive.ejabberdEnv());
        env.put("CHATPIPE_XMPP_DOMAIN", domain);
        env.put("CHATPIPE_XMPP_C2S_PORT", Integer.toString(clientPort));
        env.put("CHATPIPE_XMPP_HTTP_PORT", Integer.toString(httpPort));
        env.put("CHATPIPE_XMPP_START_TIMEOUT", "180");
        return env;
    }
}
