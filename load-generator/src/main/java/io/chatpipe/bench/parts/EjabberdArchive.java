package io.chatpipe.bench.parts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

/**
 * ejabberd's message archive (XEP-0313) in PostgreSQL, read through JDBC as capture's role reads it: how many rows
 * ejabberd has archived, and when. Each row's {@code timestamp} is ejabberd's own clock at archiving, in
 * microseconds, so the rate is ejabberd's and not that of this reader's polls.
 */
public final class EjabberdArchive implements AutoCloseable {

    private final Connection connection;

    private EjabberdArchive(Connection connection) {
        this.connection = connection;
    }

    /** Connects as the capture role, with the password read from its file. */
    public static EjabberdArchive connect(Targets.Archive archive) throws SQLException, IOException {
        var properties = new Properties();
        properties.setProperty("user", archive.user());
        properties.setProperty("password", Files.readString(archive.passwordFile(), StandardCharsets.UTF_8).strip());
        return new EjabberdArchive(DriverManager.getConnection(archive.jdbcUrl(), properties));
    }

    /**
     * The chat messages in the archives of {@code owners} (local parts) whose body starts with {@code bodyPrefix}:
     * how many, and the archive time of the first and the last.
     */
    public Span messages(List<String> owners, String bodyPrefix) throws SQLException {
        try (var query = connection.prepareStatement("SELECT count(*), min(timestamp), max(timestamp) FROM archive "
                + "WHERE username = ANY (?) AND kind = 'chat' AND txt LIKE ?")) {
            query.setArray(1, connection.createArrayOf("text", owners.toArray()));
            query.setString(2, bodyPrefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
            try (var rows = query.executeQuery()) {
                rows.next();
                long count = rows.getLong(1);
                return count == 0 ? new Span(0, null, null)
                        : new Span(count, micros(rows.getLong(2)), micros(rows.getLong(3)));
            }
        }
    }

    private static Instant micros(long micros) {
        return Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1_000);
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }

    /** Rows and the archive times of the first and the last of them (null when there are none). */
    public record Span(long rows, Instant first, Instant last) {

        /** Rows per second between the first and the last; 0 with fewer than two. */
        public double rate() {
            return rows < 2 ? 0 : (rows - 1) / Math.max(1e-3, (last.toEpochMilli() - first.toEpochMilli()) / 1e3);
        }
    }
}
