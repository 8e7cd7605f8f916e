package io.chatpipe.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

/** ejabberd's message archive in its PostgreSQL, as change data capture reads it: through the capture role. */
class PostgresTests {

    private final Ejabberd ejabberd = Ejabberd.shared();
    private final Postgres archive = ejabberd.archive();

    /** One row of the archive: whose archive it is, the other party, the kind, the stanza. */
    record ArchiveRow(String owner, String barePeer, String kind, String xml) {}

    @Test
    void aMessageSentThroughEjabberdLandsInBothUsersArchivesReadableByTheCaptureRole() throws Exception {
        String body = "archived " + UUID.randomUUID();
        send("henry", "iris", body);

        List<ArchiveRow> rows = awaitRows(body, 2);
        assertThat(rows).extracting(ArchiveRow::owner, ArchiveRow::barePeer, ArchiveRow::kind)
                .containsExactlyInAnyOrder(
                        tuple("henry", "iris@localhost", "chat"),
                        tuple("iris", "henry@localhost", "chat"));
        assertThat(rows).allSatisfy(row -> assertThat(row.xml()).contains(body).contains("from='henry@localhost"));
    }

    @Test
    void walLevelIsLogical() throws SQLException {
        try (Connection db = archive.connectAsCapture();
             var result = db.createStatement().executeQuery("SHOW wal_level")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getString(1)).isEqualTo("logical");
        }
    }

    @Test
    void thePublicationCoversTheArchiveAndPublishesInsertsOnly() throws SQLException {
        try (Connection db = archive.connectAsCapture();
             var statement = db.prepareStatement("SELECT p.pubinsert, p.pubupdate, p.pubdelete, p.pubtruncate,"
                     + " t.schemaname || '.' || t.tablename FROM pg_publication p"
                     + " JOIN pg_publication_tables t ON t.pubname = p.pubname WHERE p.pubname = ?")) {
            statement.setString(1, archive.publication());
            try (var result = statement.executeQuery()) {
                assertThat(result.next()).as("publication %s with a table", archive.publication()).isTrue();
                assertThat(result.getBoolean(1)).as("publishes inserts").isTrue();
                assertThat(result.getBoolean(2)).as("publishes updates").isFalse();
                assertThat(result.getBoolean(3)).as("publishes deletes").isFalse();
                assertThat(result.getBoolean(4)).as("publishes truncates").isFalse();
                assertThat(result.getString(5)).isEqualTo(Postgres.ARCHIVE_TABLE);
                assertThat(result.next()).as("more tables").isFalse();
            }
        }
    }

    @Test
    void theCaptureRoleDecodesArchivedMessagesThroughAPgoutputSlotOfItsOwn() throws Exception {
        String slot = "test_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection db = archive.connectAsCapture()) {
            try (var create = db.prepareStatement("SELECT slot_name FROM pg_create_logical_replication_slot(?, 'pgoutput')")) {
                create.setString(1, slot);
                try (var result = create.executeQuery()) {
                    assertThat(result.next()).isTrue();
                    assertThat(result.getString(1)).isEqualTo(slot);
                }
            }
            try {
                String body = "decoded " + UUID.randomUUID();
                send("jack", "kate", body);
                awaitRows(body, 2);

                // pgoutput's messages of the slot's changes through the publication: 'I' is an insert
                List<String> inserts = new ArrayList<>();
                try (var peek = db.prepareStatement("SELECT data FROM pg_logical_slot_peek_binary_changes(?, NULL, NULL,"
                        + " 'proto_version', '1', 'publication_names', ?)")) {
                    peek.setString(1, slot);
                    peek.setString(2, archive.publication());
                    try (var result = peek.executeQuery()) {
                        while (result.next()) {
                            byte[] data = result.getBytes(1);
                            if (data.length > 0 && data[0] == 'I') {
                                inserts.add(new String(data, StandardCharsets.UTF_8));
                            }
                        }
                    }
                }
                assertThat(inserts).filteredOn(insert -> insert.contains(body)).hasSize(2);
            } finally {
                try (var drop = db.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
                    drop.setString(1, slot);
                    drop.execute();
                }
            }
        }
    }

    @Test
    void ejabberdStillDeletesOldArchivedMessages() throws Exception {
        String body = "to delete " + UUID.randomUUID();
        send("liam", "mona", body);
        awaitRows(body, 2);

        // every archived message older than 0 days: with a publication of deletes, this failed (no primary key)
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(ejabberd.apiUrl() + "/delete_old_mam_messages"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"all\",\"days\":0}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(rows(body)).isEmpty();
    }

    private void send(String from, String to, String body) throws Exception {
        try (var sender = XmppTestClient.register(ejabberd, from, from + "-pw");
             var recipient = XmppTestClient.register(ejabberd, to, to + "-pw")) {
            String id = UUID.randomUUID().toString();
            sender.connection().sendStanza(MessageBuilder.buildMessage(id).ofType(Message.Type.chat)
                    .to(JidCreate.entityBareFrom(to + "@localhost")).setBody(body).build());
            recipient.awaitMessage(Duration.ofSeconds(10), m -> id.equals(m.getStanzaId()));
        }
    }

    private List<ArchiveRow> awaitRows(String body, int count) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> rows(body), rows -> rows.size() >= count);
    }

    private List<ArchiveRow> rows(String body) throws SQLException {
        try (Connection db = archive.connectAsCapture();
             var query = db.prepareStatement("SELECT username, bare_peer, kind, xml FROM archive"
                     + " WHERE strpos(xml, ?) > 0 ORDER BY id")) {
            query.setString(1, body);
            List<ArchiveRow> rows = new ArrayList<>();
            try (var result = query.executeQuery()) {
                while (result.next()) {
                    rows.add(new ArchiveRow(result.getString(1), result.getString(2), result.getString(3),
                            result.getString(4)));
                }
            }
            return rows;
        }
    }
}
