package io.chatpipe.testsupport;

import io.chatpipe.stack.StackScript;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.springframework.util.FileSystemUtils;

/**
 * A real PostgreSQL (the distribution's package) holding ejabberd's message archive (or Prosody's, {@link
 * #startedForProsody()}), a cluster of its own started by the same script as ./chatpipe run
 * (stack/postgres/postgres-local) on a free loopback port in a temporary directory, with logical decoding on.
 * What change data capture needs: {@link #jdbcUrl()}, the capture role ({@link #captureUser()},
 * {@link #capturePassword()}: LOGIN REPLICATION, SELECT on the archive) and the publication of the archive's
 * inserts ({@link #PUBLICATION}).
 */
public final class Postgres implements AutoCloseable {

    /** ejabberd's database; its table {@value #ARCHIVE_TABLE} is the message archive. */
    public static final String DATABASE = "ejabberd";
    public static final String ARCHIVE_TABLE = "public.archive";
    /** Prosody's database; Prosody makes its table {@value #PROSODY_ARCHIVE_TABLE} on first use of the archive. */
    public static final String PROSODY_DATABASE = "prosody";
    public static final String PROSODY_ARCHIVE_TABLE = "public.prosodyarchive";
    /** Publishes the inserts into the archive only (it has no primary key, so deletes must not be published). */
    public static final String PUBLICATION = "chatpipe_archive";

    private static final String CAPTURE_USER = "chatpipe_capture";

    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(120);

    private final StackScript script = new StackScript(StackScript.repositoryRoot(Path.of("")),
            "stack/postgres/postgres-local");
    private final int port = FreePorts.pick();
    private final Path dataDir;
    /** Whose archive the cluster holds: its database's name, the script's CHATPIPE_POSTGRES_FOR. */
    private final String database;

    private Postgres(String database) {
        this.database = database;
        try {
            this.dataDir = Files.createTempDirectory("chatpipe-postgres");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new cluster in a temporary directory, started; {@link #close()} stops it and removes its data. */
    public static Postgres started() {
        var postgres = new Postgres(DATABASE);
        postgres.start();
        return postgres;
    }

    /** Like {@link #started()}, with Prosody's database instead of ejabberd's. */
    public static Postgres startedForProsody() {
        var postgres = new Postgres(PROSODY_DATABASE);
        postgres.start();
        return postgres;
    }

    /** Starts the cluster (again), returning once it answers; a running one is left as it is. */
    public void start() {
        script.run(env(), SCRIPT_TIMEOUT, "start", dataDir.toString());
    }

    /** Stops the cluster (a clean fast shutdown); its data stays. */
    public void stop() {
        script.run(env(), SCRIPT_TIMEOUT, "stop", dataDir.toString());
    }

    /** Stops the cluster and removes its data. */
    @Override
    public void close() {
        stop();
        FileSystemUtils.deleteRecursively(dataDir.toFile());
    }

    /** What stack/ejabberd/ejabberd-local or stack/prosody/prosody-local needs to find this cluster. */
    Map<String, String> serverEnv() {
        return Map.of("CHATPIPE_POSTGRES_PORT", Integer.toString(port), "CHATPIPE_POSTGRES_DIR", dataDir.toString());
    }

    private Map<String, String> env() {
        return Map.of("CHATPIPE_POSTGRES_PORT", Integer.toString(port), "CHATPIPE_POSTGRES_FOR", database);
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    public String database() {
        return database;
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/ejabberd} (or {@code /prosody}), without credentials. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host() + ":" + port + "/" + database;
    }

    /** The role change data capture logs in as: LOGIN REPLICATION, SELECT on the archive. */
    public String captureUser() {
        return CAPTURE_USER;
    }

    /** The capture role's password, made once per cluster and kept in its data directory (mode 600). */
    public String capturePassword() {
        return secret("capture-password");
    }

    public String publication() {
        return PUBLICATION;
    }

    /** A new JDBC connection to the archive's database as the capture role. */
    public Connection connectAsCapture() throws SQLException {
        var properties = new Properties();
        properties.setProperty("user", captureUser());
        properties.setProperty("password", capturePassword());
        return DriverManager.getConnection(jdbcUrl(), properties);
    }

    public Path dataDir() {
        return dataDir;
    }

    private String secret(String name) {
        try {
            return Files.readString(dataDir.resolve("secrets").resolve(name), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
