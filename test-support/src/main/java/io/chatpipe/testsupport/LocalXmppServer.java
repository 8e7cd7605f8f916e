package io.chatpipe.testsupport;

import io.chatpipe.stack.StackScript;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.util.FileSystemUtils;

/**
 * An XMPP server from the distribution's package, run by one of the repository's stack/ scripts
 * (the same ones ./chatpipe run uses) in a temporary data directory on free loopback ports, with its message
 * archive in a PostgreSQL of its own ({@link #archive()}), which stays up while the server is stopped.
 */
abstract class LocalXmppServer implements XmppServer {

    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(120);

    private final StackScript script;
    private final Path dataDir;
    private final Postgres archive;

    LocalXmppServer(String scriptPath, String name, Postgres archive) {
        this.script = new StackScript(StackScript.repositoryRoot(Path.of("")), scriptPath);
        this.archive = archive;
        try {
            this.dataDir = Files.createTempDirectory("chatpipe-" + name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts the archive's database, then the server made on it, and has both stopped, and their data removed,
     * when the JVM exits.
     */
    static <S extends LocalXmppServer> S startedForThisJvm(Supplier<Postgres> archive, Function<Postgres, S> server) {
        Postgres database = archive.get();
        S started;
        try {
            started = server.apply(database);
            started.start();
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(started::shutDown, started.getClass().getSimpleName() + "-stop"));
        return started;
    }

    /** Stops the server, then the archive's database, for good, and removes both's data. */
    void shutDown() {
        try {
            stop();
            FileSystemUtils.deleteRecursively(dataDir.toFile());
        } finally {
            archive.close();
        }
    }

    /** The script's environment: where the archive's database is, the domain and the ports. */
    abstract Map<String, String> env();

    /** Starts the server (again), and its archive's database first when that was stopped; returns once it answers. */
    public void start() {
        archive.start();
        script.run(env(), SCRIPT_TIMEOUT, "start", dataDir.toString());
    }

    /** The PostgreSQL that holds this server's message archive, ready for change data capture. */
    public Postgres archive() {
        return archive;
    }

    /** Stops the server; its accounts, rosters and offline messages stay in the data directory. */
    public void stop() {
        script.run(env(), SCRIPT_TIMEOUT, "stop", dataDir.toString());
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
