package io.chatpipe.capture.archive;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;

/**
 * The right to read the archive's replication slot, held by one capture at a time: a session advisory lock in
 * the archive's database, named after the slot. PostgreSQL lets one connection stream from a slot; a second
 * capture started on the same slot would see its connector fail, so it asks for the lease first and waits
 * as a standby while another capture holds it. The lock lives as long as the holder's connection: when that
 * capture dies (even by kill -9) PostgreSQL ends its session, the lock is free and the standby takes over,
 * from the position the first one last stored.
 *
 * <p>The slot stays the last word: the lease holder starts reading only once the slot is no longer active
 * (the dead capture's replication connection can outlive its lock by a moment).
 */
final class SlotLease implements AutoCloseable {

    private final CaptureProperties.Archive archive;

    private Connection connection;

    SlotLease(CaptureProperties.Archive archive) {
        this.archive = archive;
    }

    /** Asks once; true when this capture holds the lease (now or already). */
    synchronized boolean tryAcquire() throws SQLException {
        if (connection == null || !connection.isValid(2)) {
            close();
            var credentials = new Properties();
            credentials.setProperty("user", archive.user());
            credentials.setProperty("password", archive.password() == null ? "" : archive.password());
            credentials.setProperty("ApplicationName", "chatpipe-capture lease");
            connection = DriverManager.getConnection(
                    "jdbc:postgresql://" + archive.host() + ":" + archive.port() + "/" + archive.database(), credentials);
        }
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?))")) {
            lock.setString(1, "chatpipe-capture slot " + archive.slot());
            try (ResultSet result = lock.executeQuery()) {
                return result.next() && result.getBoolean(1);
            }
        }
    }

    /** Whether a replication connection streams from the slot now (false when there is no slot yet). */
    synchronized boolean slotActive() throws SQLException {
        try (PreparedStatement active = connection.prepareStatement(
                "SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
            active.setString(1, archive.slot());
            try (ResultSet result = active.executeQuery()) {
                return result.next() && result.getBoolean(1);
            }
        }
    }

    /** Gives the lease up (the session ends, and with it the lock). */
    @Override
    public synchronized void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // the session is gone either way, and with it the lock
            }
            connection = null;
        }
    }
}
