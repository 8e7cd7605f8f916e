package io.chatpipe.capture.archive;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.apache.kafka.connect.data.Struct;

/**
 * The XMPP servers whose message archive capture reads: for each, the table in PostgreSQL that holds it and how
 * one of its rows reads as an {@link ArchiveRow}. Each is inserted into by the server as it archives a stanza,
 * so the same change data capture reads any of them.
 */
public enum ArchiveServer {

    /**
     * ejabberd's mod_mam with its default (single-host) schema, pg.sql: one row per archive owner, its MAM id
     * the column {@code timestamp} (microseconds since the epoch).
     */
    EJABBERD("public.archive") {
        @Override
        ArchiveRow row(Struct after, String domain) {
            long timestamp = number(after, "timestamp");
            return new ArchiveRow(after.getString("username") + "@" + domain, Long.toString(timestamp),
                    after.getString("kind"), after.getString("xml"), Instant.EPOCH.plus(timestamp, ChronoUnit.MICROS));
        }
    },

    /**
     * Prosody's mod_mam on mod_storage_sql: one row per archive owner ({@code user} on {@code host}) in the
     * store {@code archive}, its MAM id the column {@code key}, archived at {@code when} (seconds), the stanza in
     * {@code value} when {@code type} is {@code xml}. Other stores that share the table (a MUC's log) are not
     * users' archives.
     */
    PROSODY("public.prosodyarchive") {
        @Override
        ArchiveRow row(Struct after, String domain) {
            if (!"archive".equals(after.getString("store"))) {
                return null;
            }
            return new ArchiveRow(after.getString("user") + "@" + after.getString("host"), after.getString("key"),
                    null, "xml".equals(after.getString("type")) ? after.getString("value") : null,
                    Instant.ofEpochSecond(number(after, "when")));
        }
    },

    /**
     * Openfire's Monitoring plugin, table {@code ofMessageArchive} (lower case in PostgreSQL): one row per
     * message, not per owner, so the row is read as the recipient's ({@code toJID}, a bare JID); its id
     * {@code messageID}, sent at {@code sentDate} (milliseconds), the stanza in {@code stanza}. Plugin versions
     * that left {@code messageID} empty are told apart by time and sender.
     */
    OPENFIRE("public.ofmessagearchive") {
        @Override
        ArchiveRow row(Struct after, String domain) {
            long sent = number(after, "sentdate");
            Object messageId = after.get("messageid");
            String archiveId = messageId != null ? messageId.toString()
                    : "sent-" + sent + "-" + after.getString("fromjid") + "/" + after.getString("fromjidresource");
            return new ArchiveRow(after.getString("tojid"), archiveId, null, after.getString("stanza"),
                    Instant.ofEpochMilli(sent));
        }
    };

    private final String table;

    ArchiveServer(String table) {
        this.table = table;
    }

    /** The archive table, as {@code schema.table}: what capture reads of the database. */
    public String table() {
        return table;
    }

    /**
     * The archive row in a table row's state after its insert, or null when it is no row of a user's archive.
     *
     * @param domain the XMPP domain chatpipe's users live on (ejabberd's single-host table names none)
     */
    abstract ArchiveRow row(Struct after, String domain);

    /** A whole-number column, whichever width the table gives it. */
    private static long number(Struct after, String column) {
        return ((Number) after.get(column)).longValue();
    }
}
