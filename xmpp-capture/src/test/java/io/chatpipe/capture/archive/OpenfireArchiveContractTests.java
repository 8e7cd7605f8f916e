package io.chatpipe.capture.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.DeliveryAttempted.Outcome;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.UserId;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

/**
 * A contract test: Openfire does not run here, so these rows are shaped as its Monitoring plugin writes them
 * (table {@code ofMessageArchive} of the plugin's PostgreSQL schema, its unquoted names lower case there, as
 * Debezium hands over a row's state after its insert), one row per message with a body, the stanza with the
 * server's {@code from} and the stanza ids the plugin adds. What they become is what capture makes of them.
 */
class OpenfireArchiveContractTests {

    /** The columns of {@code ofMessageArchive} in PostgreSQL (monitoring_postgresql.sql), as Debezium types them. */
    private static final Schema ROW = SchemaBuilder.struct().name("chatpipe-archive.public.ofmessagearchive.Value")
            .field("messageid", Schema.OPTIONAL_INT64_SCHEMA)
            .field("conversationid", Schema.INT32_SCHEMA)
            .field("fromjid", Schema.STRING_SCHEMA)
            .field("fromjidresource", Schema.OPTIONAL_STRING_SCHEMA)
            .field("tojid", Schema.STRING_SCHEMA)
            .field("tojidresource", Schema.OPTIONAL_STRING_SCHEMA)
            .field("sentdate", Schema.INT64_SCHEMA)
            .field("stanza", Schema.OPTIONAL_STRING_SCHEMA)
            .field("body", Schema.OPTIONAL_STRING_SCHEMA)
            .field("ispmforjid", Schema.OPTIONAL_STRING_SCHEMA)
            .build();

    private static final long SENT = 1_796_000_000_123L;

    private final CaptureRules rules = new CaptureRules("localhost",
            (user, archivedAt) -> Set.of(UserId.of("alice"), UserId.of("bob")).contains(user));

    @Test
    void aReplyFromAnXmppUserIsAMessageToTheRecipientSentWhenOpenfireArchivedIt() {
        var captured = capture(row(41L, "bob@localhost", "phone", "alice@localhost", """
                <message xmlns="jabber:client" from="bob@localhost/phone" to="alice@localhost" type="chat" id="m1">\
                <body>hi from openfire</body><origin-id xmlns="urn:xmpp:sid:0" id="o-41"/>\
                <stanza-id xmlns="urn:xmpp:sid:0" id="6c1f" by="alice@localhost"/>\
                <stanza-id xmlns="urn:xmpp:sid:0" id="9ae2" by="bob@localhost"/></message>""", "hi from openfire"));

        assertThat(captured).singleElement().isInstanceOfSatisfying(Capture.Reply.class, reply -> {
            MessageAccepted message = reply.message();
            assertThat(message.fromId()).isEqualTo(UserId.of("bob"));
            assertThat(message.toId()).isEqualTo(UserId.of("alice"));
            assertThat(message.message()).isEqualTo("hi from openfire");
            assertThat(message.senderJid()).isEqualTo("bob@localhost/phone");
            assertThat(message.acceptedAt()).isEqualTo(Instant.ofEpochMilli(SENT));
            assertThat(message.messageId())
                    .isEqualTo(MessageId.forCapturedStanza("bob@localhost\u0000origin-id\u0000o-41"));
        });
    }

    @Test
    void chatpipesDeliveryInOpenfiresArchiveIsEvidenceThatItIsStored() {
        MessageId id = MessageId.random();
        var captured = capture(row(42L, "alice@localhost", null, "bob@localhost", """
                <message xmlns="jabber:client" from="alice@localhost" to="bob@localhost" type="chat" id="%1$s">\
                <body>from the api</body><origin-id xmlns="urn:xmpp:sid:0" id="%1$s"/>\
                <delivery xmlns="urn:chatpipe:delivery:0" id="%1$s"/></message>""".formatted(id), "from the api"));

        assertThat(captured).singleElement().isInstanceOfSatisfying(Capture.Evidence.class, evidence -> {
            assertThat(evidence.evidence().messageId()).isEqualTo(id);
            assertThat(evidence.evidence().outcome()).isEqualTo(Outcome.STORED);
            assertThat(evidence.evidence().conversationId()).isEqualTo(ConversationId.of("alice:bob"));
        });
    }

    @Test
    void withoutAMessageIdOrAnOriginIdTheSameRowIsTheSameMessageAndAnotherIsAnother() {
        String stanza = """
                <message xmlns="jabber:client" from="bob@localhost/phone" to="alice@localhost" type="chat">\
                <body>older plugin</body></message>""";

        MessageId first = reply(capture(row(null, "bob@localhost", "phone", "alice@localhost", stanza, "older plugin")));
        MessageId again = reply(capture(row(null, "bob@localhost", "phone", "alice@localhost", stanza, "older plugin")));
        MessageId withId = reply(capture(row(43L, "bob@localhost", "phone", "alice@localhost", stanza, "older plugin")));

        assertThat(again).isEqualTo(first);
        assertThat(withId).isNotEqualTo(first);
    }

    @Test
    void messagesToUsersElsewhereRoomsAndUsersChatpipeDoesNotKnowAreSkipped() {
        assertThat(skipped(capture(row(44L, "alice@localhost", "web", "zoe@elsewhere.example", """
                <message xmlns="jabber:client" from="alice@localhost/web" to="zoe@elsewhere.example" type="chat">\
                <body>out</body></message>""", "out")))).isEqualTo("foreign-archive");
        assertThat(skipped(capture(row(45L, "bob@localhost", "phone", "room@conference.localhost", """
                <message xmlns="jabber:client" from="bob@localhost/phone" to="room@conference.localhost" \
                type="groupchat"><body>all</body></message>""", "all")))).isEqualTo("foreign-archive");
        assertThat(skipped(capture(row(46L, "bob@localhost", "phone", "carol@localhost", """
                <message xmlns="jabber:client" from="bob@localhost/phone" to="carol@localhost" type="chat">\
                <body>not ours</body></message>""", "not ours")))).isEqualTo("unknown-recipient");
        assertThat(skipped(capture(row(47L, "bob@localhost", "phone", "alice@localhost", null, "no stanza kept"))))
                .isEqualTo("unreadable");
    }

    private List<Capture> capture(Struct after) {
        return rules.apply(ArchiveServer.OPENFIRE.row(after, "localhost"));
    }

    private static Struct row(Long messageId, String from, String fromResource, String to, String stanza, String body) {
        return new Struct(ROW).put("messageid", messageId).put("conversationid", 7).put("fromjid", from)
                .put("fromjidresource", fromResource).put("tojid", to).put("sentdate", SENT).put("stanza", stanza)
                .put("body", body);
    }

    private static MessageId reply(List<Capture> captured) {
        assertThat(captured).singleElement().isInstanceOf(Capture.Reply.class);
        return ((Capture.Reply) captured.getFirst()).message().messageId();
    }

    private static String skipped(List<Capture> captured) {
        assertThat(captured).singleElement().isInstanceOf(Capture.Skipped.class);
        return ((Capture.Skipped) captured.getFirst()).reason();
    }
}
