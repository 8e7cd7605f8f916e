package io.chatpipe.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.springframework.util.FileSystemUtils;

/**
 * A real Prosody (the distribution's package), a second XMPP server for the standard-client delivery
 * path, started by the repository's stack/prosody/prosody-local on a free loopback port. One per test JVM.
 */
public final class Prosody implements XmppServer {

    private static Prosody shared;

    private final LocalStackScript script = new LocalStackScript("stack/prosody/prosody-local");
    private final Path dataDir;
    private final int clientPort;

    private Prosody(Path dataDir, int clientPort) {
        this.dataDir = dataDir;
        this.clientPort = clientPort;
    }

    /** The test JVM's Prosody, started on first use and stopped when the JVM exits. */
    public static synchronized Prosody shared() {
        if (shared == null) {
            try {
                shared = new Prosody(Files.createTempDirectory("chatpipe-prosody"), LocalStackScript.freePort());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            shared.start();
            Prosody started = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                started.stop();
                FileSystemUtils.deleteRecursively(started.dataDir.toFile());
            }, "prosody-stop"));
        }
        return shared;
    }

    public void start() {
        script.run(env(), "start", dataDir.toString());
    }

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

    private Map<String, String> env() {
        return Map.of("CHATPIPE_XMPP_DOMAIN", domain(), "CHATPIPE_PROSODY_C2S_PORT", Integer.toString(clientPort));
    }
}
