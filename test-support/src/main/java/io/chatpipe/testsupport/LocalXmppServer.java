package io.chatpipe.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.springframework.util.FileSystemUtils;

/**
 * An XMPP server from the distribution's package, run by one of the repository's stack/ scripts
 * (the same ones ./chatpipe run uses) in a temporary data directory on free loopback ports.
 */
abstract class LocalXmppServer implements XmppServer {

    private final LocalStackScript script;
    private final Path dataDir;

    LocalXmppServer(String scriptPath, String name) {
        this.script = new LocalStackScript(scriptPath);
        try {
            this.dataDir = Files.createTempDirectory("chatpipe-" + name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the server and has it stopped, and its data removed, when the JVM exits. */
    static <S extends LocalXmppServer> S startedForThisJvm(S server) {
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutDown, server.getClass().getSimpleName() + "-stop"));
        return server;
    }

    /** Stops the server for good and removes its data. */
    void shutDown() {
        stop();
        FileSystemUtils.deleteRecursively(dataDir.toFile());
    }

    /** The script's environment: the domain and the ports. */
    abstract Map<String, String> env();

    /** Starts the server (again), returning once it answers. Data is kept across restarts. */
    public void start() {
        script.run(env(), "start", dataDir.toString());
    }

    /** Stops the server; its accounts, rosters and offline messages stay in the data directory. */
    public void stop() {
        script.run(env(), "stop", dataDir.toString());
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public String domain() {
        return "localhost";
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }
}
