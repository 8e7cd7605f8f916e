package io.chatpipe.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.springframework.util.FileSystemUtils;

/**
 * A real ejabberd (the distribution's package) with chatpipe's own config, started by the same
 * script as ./chatpipe run, on free loopback ports in a temporary directory. One per test JVM;
 * {@link #stop()} and {@link #start()} let a test take it down and bring it back with its data.
 */
public final class Ejabberd implements XmppServer {

    private static Ejabberd shared;

    private final LocalStackScript script = new LocalStackScript("stack/ejabberd/ejabberd-local");
    private final Path dataDir;
    private final int clientPort;
    private final int httpPort;

    private Ejabberd(Path dataDir, int clientPort, int httpPort) {
        this.dataDir = dataDir;
        this.clientPort = clientPort;
        this.httpPort = httpPort;
    }

    /** The test JVM's ejabberd, started on first use and stopped when the JVM exits. */
    public static synchronized Ejabberd shared() {
        if (shared == null) {
            try {
                shared = new Ejabberd(Files.createTempDirectory("chatpipe-ejabberd"),
                        LocalStackScript.freePort(), LocalStackScript.freePort());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            shared.start();
            Ejabberd started = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                started.stop();
                FileSystemUtils.deleteRecursively(started.dataDir.toFile());
            }, "ejabberd-stop"));
        }
        return shared;
    }

    /** Starts the server (again), returning once its admin API answers. Data is kept across restarts. */
    public void start() {
        script.run(env(), "start", dataDir.toString());
    }

    /** Stops the server; its accounts, rosters and offline messages stay in the data directory. */
    public void stop() {
        script.run(env(), "stop", dataDir.toString());
    }

    @Override
    public String domain() {
        return "localhost";
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int clientPort() {
        return clientPort;
    }

    /** mod_http_api's base URL, like {@code http://127.0.0.1:PORT/api}. */
    public String apiUrl() {
        return "http://127.0.0.1:" + httpPort + "/api";
    }

    public Path dataDir() {
        return dataDir;
    }

    private Map<String, String> env() {
        return Map.of("CHATPIPE_XMPP_DOMAIN", domain(),
                "CHATPIPE_XMPP_C2S_PORT", Integer.toString(clientPort),
                "CHATPIPE_XMPP_HTTP_PORT", Integer.toString(httpPort));
    }
}
