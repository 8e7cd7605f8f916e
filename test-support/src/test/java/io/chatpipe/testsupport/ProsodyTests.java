package io.chatpipe.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

class ProsodyTests {

    private final Prosody prosody = Prosody.shared();

    /** One row of Prosody's archive table: whose archive, which store, the other party, how the value is kept. */
    record ArchiveRow(String owner, String host, String store, String with, String type, String value) {}

    @Test
    void registeredUsersExchangeMessages() throws Exception {
        try (var carol = XmppTestClient.register(prosody, "carol", "carol-pw");
             var dave = XmppTestClient.register(prosody, "dave", "dave-pw")) {
            carol.connection().sendStanza(MessageBuilder.buildMessage("p-1").ofType(Message.Type.chat)
                    .to(JidCreate.entityBareFrom("dave@localhost")).setBody("<b>&amp; \"quoted\" <x/>").build());

            Message got = dave.awaitMessage(Duration.ofSeconds(10), m -> "p-1".equals(m.getStanzaId()));
            assertThat(got.getBody()).isEqualTo("<b>&amp; \"quoted\" <x/>");
        }
    }

    @Test
    void aMessageLandsInBothUsersArchivesInPostgresReadableByTheCaptureRole() throws Exception {
        String body = "archived " + UUID.randomUUID();
        try (var erin = XmppTestClient.register(prosody, "erin", "erin-pw");
             var frank = XmppTestClient.register(prosody, "frank", "frank-pw")) {
            erin.sendChat("frank@localhost", body, "o-" + body.hashCode());
            frank.awaitMessage(Duration.ofSeconds(10), m -> body.equals(m.getBody()));
        }

        var rows = new ArrayList<ArchiveRow>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            rows.clear();
            rows.addAll(rowsWith(body));
            return rows.size() >= 2;
        });
        assertThat(rows).extracting(ArchiveRow::owner, ArchiveRow::host, ArchiveRow::store, ArchiveRow::with,
                        ArchiveRow::type)
                .containsExactlyInAnyOrder(
                        tuple("erin", "localhost", "archive", "frank@localhost", "xml"),
                        tuple("frank", "localhost", "archive", "erin@localhost", "xml"));
        // both copies name their sender: capture tells the recipient's row from the sender's own copy by it
        assertThat(rows).allSatisfy(row -> assertThat(row.value()).contains("from='erin@localhost/"));
    }

    private List<ArchiveRow> rowsWith(String body) throws Exception {
        try (Connection db = prosody.archive().connectAsCapture();
             var statement = db.prepareStatement("SELECT \"user\", host, store, \"with\", type, value"
                     + " FROM " + Postgres.PROSODY_ARCHIVE_TABLE + " WHERE value LIKE ?")) {
            statement.setString(1, "%" + body + "%");
            var rows = new ArrayList<ArchiveRow>();
            try (var result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(new ArchiveRow(result.getString(1), result.getString(2), result.getString(3),
                            result.getString(4), result.getString(5), result.getString(6)));
                }
            }
            return rows;
        }
    }
}
