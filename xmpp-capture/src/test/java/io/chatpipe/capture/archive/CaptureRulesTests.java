package io.chatpipe.capture.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.DeliveryAttempted.Outcome;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.UserId;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CaptureRulesTests {

    private static final long ARCHIVE_ID = 1_796_000_000_000_000L;

    private final CaptureRules rules = new CaptureRules("localhost",
            (user, archivedAt) -> KNOWN.contains(user));

    private static final Set<UserId> KNOWN = Set.of(UserId.of("alice"), UserId.of("bob"), UserId.of("ann o'neil"));

    @Test
    void aReplyInItsRecipientsArchiveIsAMessageFromTheXmppUserWithItsSenderAndSource() {
        var captured = rules.apply(row("alice", """
                <message xmlns="jabber:client" from="bob@localhost/phone" to="alice@localhost" type="chat" id="x1">\
                <body>hi &lt;alice&gt; &amp; all</body><origin-id xmlns="urn:xmpp:sid:0" id="o-1"/></message>"""));

        assertThat(captured).singleElement().isInstanceOfSatisfying(Capture.Reply.class, reply -> {
            MessageAccepted message = reply.message();
            assertThat(message.fromId()).isEqualTo(UserId.of("bob"));
            assertThat(message.toId()).isEqualTo(UserId.of("alice"));
            assertThat(message.conversationId()).isEqualTo(ConversationId.of("alice:bob"));
            assertThat(message.message()).isEqualTo("hi <alice> & all");
            assertThat(message.source()).isEqualTo(MessageAccepted.Source.XMPP);
            assertThat(message.senderJid()).isEqualTo("bob@localhost/phone");
            assertThat(message.acceptedAt()).isEqualTo(Instant.EPOCH.plus(ARCHIVE_ID, ChronoUnit.MICROS));
            assertThat(message.toDeliver()).isFalse();
        });
    }

    @Test
    void theSameStanzaCapturedTwiceOrArchivedAgainIsOneMessage() {
        String xml = """
                <message xmlns="jabber:client" from="bob@localhost/phone" to="alice@localhost" type="chat">\
                <body>once</body><origin-id xmlns="urn:xmpp:sid:0" id="o-2"/></message>""";
        MessageId first = reply(rules.apply(row("alice", xml))).messageId();
        MessageId again = reply(rules.apply(row("alice", ARCHIVE_ID + 5, xml))).messageId();
        MessageId other = reply(rules.apply(row("alice", xml.replace("o-2", "o-3")))).messageId();

        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    /** The id of an ejabberd row is the one capture gave it before it read other servers' archives too. */
    @Test
    void withoutAnOriginIdEachArchiveRowIsItsOwnMessage() {
        String xml = """
                <message xmlns="jabber:client" from="bob@localhost/x" to="alice@localhost" type="chat">\
                <body>same words</body></message>""";

        assertThat(reply(rules.apply(row("alice", xml))).messageId())
                .isEqualTo(reply(rules.apply(row("alice", xml))).messageId())
                .isEqualTo(MessageId.forCapturedStanza("alice@localhost\u0000archive\u0000" + ARCHIVE_ID))
                .isNotEqualTo(reply(rules.apply(row("alice", ARCHIVE_ID + 1, xml))).messageId());
    }

    @Test
    void aRowInTheArchiveOfAUserOnAnotherDomainOrWithoutAStanzaIsSkipped() {
        var captured = rules.apply(new ArchiveRow("alice@elsewhere.example", "k-1", null,
                message("chat", "bob@localhost/r", "<body>x</body>"), Instant.EPOCH));

        assertThat(skipped(captured)).isEqualTo("foreign-archive");
        assertThat(skipped(rules.apply(new ArchiveRow("alice@localhost", "k-2", null, null, Instant.EPOCH))))
                .isEqualTo("unreadable");
    }

    @Test
    void theSendersOwnCopyIsNotCapturedSoEachMessageIsCapturedOnce() {
        var captured = rules.apply(row("bob", """
                <message xmlns="jabber:client" from="bob@localhost/phone" to="alice@localhost" type="chat">\
                <body>hi</body></message>"""));

        assertThat(skipped(captured)).isEqualTo("outgoing");
    }

    @Test
    void chatpipesOwnDeliveryInTheRecipientsArchiveIsEvidenceThatItIsStored() {
        MessageId id = MessageId.random();
        var captured = rules.apply(row("bob", """
                <message xmlns="jabber:client" from="alice@localhost" to="bob@localhost" type="chat" id="%1$s">\
                <body>from the api</body><origin-id xmlns="urn:xmpp:sid:0" id="%1$s"/>\
                <request xmlns="urn:xmpp:receipts"/><markable xmlns="urn:xmpp:chat-markers:0"/>\
                <delivery xmlns="urn:chatpipe:delivery:0" id="%1$s"/></message>""".formatted(id)));

        assertThat(captured).singleElement().isInstanceOfSatisfying(Capture.Evidence.class, evidence -> {
            assertThat(evidence.evidence().messageId()).isEqualTo(id);
            assertThat(evidence.evidence().outcome()).isEqualTo(Outcome.STORED);
            assertThat(evidence.evidence().conversationId()).isEqualTo(ConversationId.of("alice:bob"));
        });
    }

    @Test
    void chatpipesOwnDeliveryIsEvidenceEvenBeforeCaptureHasReadThatItsRecipientIsOurs() {
        MessageId id = MessageId.random();
        var captured = rules.apply(row("newcomer", """
                <message xmlns="jabber:client" from="alice@localhost" to="newcomer@localhost" type="chat" id="%1$s">\
                <body>first words</body><delivery xmlns="urn:chatpipe:delivery:0" id="%1$s"/></message>"""
                .formatted(id)));

        assertThat(captured).singleElement().isInstanceOfSatisfying(Capture.Evidence.class,
                evidence -> assertThat(evidence.evidence().messageId()).isEqualTo(id));
    }

    @Test
    void aUuidOriginIdFromAClientIsAReplyNotEvidence() {
        var captured = rules.apply(row("alice", """
                <message xmlns="jabber:client" from="bob@localhost/conversations" to="alice@localhost" type="chat" \
                id="%1$s"><body>typed on a phone</body><origin-id xmlns="urn:xmpp:sid:0" id="%1$s"/></message>"""
                .formatted(MessageId.random())));

        assertThat(captured).singleElement().isInstanceOf(Capture.Reply.class);
    }

    @Test
    void aReceiptAndAReceivedMarkerAreReceivedAndADisplayedMarkerIsReadAndMovesTheReadersHorizon() {
        MessageId received = MessageId.random();
        MessageId marked = MessageId.random();
        MessageId displayed = MessageId.random();

        var receipt = rules.apply(row("alice", """
                <message xmlns="jabber:client" from="bob@localhost/a" to="alice@localhost" type="chat">\
                <received xmlns="urn:xmpp:receipts" id="%s"/><store xmlns="urn:xmpp:hints"/></message>"""
                .formatted(received)));
        var receivedMarker = rules.apply(row("alice", """
                <message xmlns="jabber:client" from="bob@localhost/a" to="alice@localhost" type="chat">\
                <received xmlns="urn:xmpp:chat-markers:0" id="%s"/></message>""".formatted(marked)));
        var displayedMarker = rules.apply(row("alice", """
                <message xmlns="jabber:client" from="bob@localhost/a" to="alice@localhost" type="chat">\
                <displayed xmlns="urn:xmpp:chat-markers:0" id="%s"/></message>""".formatted(displayed)));

        assertThat(evidence(receipt)).containsExactly(Outcome.RECEIVED);
        assertThat(evidence(receivedMarker)).containsExactly(Outcome.RECEIVED);
        assertThat(evidence(displayedMarker)).containsExactly(Outcome.READ);
        assertThat(displayedMarker).filteredOn(Capture.Read.class::isInstance).singleElement()
                .isInstanceOfSatisfying(Capture.Read.class, read -> {
                    assertThat(read.horizon().userId()).isEqualTo(UserId.of("bob"));
                    assertThat(read.horizon().lastReadMessageId()).isEqualTo(displayed);
                    assertThat(read.horizon().conversationId()).isEqualTo(ConversationId.of("alice:bob"));
                });
    }

    @Test
    void escapedLocalpartsMapBackToTheirUserIds() {
        var captured = rules.apply(row("alice", """
                <message xmlns="jabber:client" from="ann\\20o\\27neil@localhost/r" to="alice@localhost" type="chat">\
                <body>hello</body></message>"""));

        assertThat(reply(captured).fromId()).isEqualTo(UserId.of("ann o'neil"));
    }

    @Test
    void whatIsNoPersonsChatMessageToAChatpipeUserIsSkippedWithItsReason() {
        assertThat(skipped(rules.apply(row("alice", message("groupchat", "bob@localhost/r", "<body>x</body>")))))
                .isEqualTo("not-chat");
        assertThat(skipped(rules.apply(row("alice", message("headline", "bob@localhost/r", "<body>x</body>")))))
                .isEqualTo("not-chat");
        assertThat(skipped(rules.apply(row("alice", message("error", "bob@localhost/r", "<body>x</body>")))))
                .isEqualTo("not-chat");
        assertThat(skipped(rules.apply(row("carol", message("chat", "bob@localhost/r", "<body>x</body>")))))
                .isEqualTo("unknown-recipient");
        assertThat(skipped(rules.apply(row("alice", message("chat", "mallory@elsewhere.example/r", "<body>x</body>")))))
                .isEqualTo("foreign-domain");
        assertThat(skipped(rules.apply(row("alice", message("chat", "bob@localhost/r", "<body>  </body>")))))
                .isEqualTo("empty");
        assertThat(skipped(rules.apply(row("alice", message("chat", "bob@localhost/r",
                "<body>" + "x".repeat(MessageAccepted.MAX_MESSAGE_BYTES + 1) + "</body>"))))).isEqualTo("too-large");
        assertThat(skipped(rules.apply(row("alice", message("chat", "bob@localhost/r",
                "<received xmlns='urn:xmpp:receipts' id='not-one-of-ours'/>"))))).isEqualTo("nothing");
        assertThat(skipped(rules.apply(row("alice", message("chat", "bob@localhost/r",
                "<composing xmlns='http://jabber.org/protocol/chatstates'/>"))))).isEqualTo("nothing");
        assertThat(skipped(rules.apply(row("alice", "<message><body>unclosed")))).isEqualTo("unreadable");
        assertThat(skipped(rules.apply(row("alice", "<presence from='bob@localhost/r'/>")))).isEqualTo("unreadable");
        assertThat(skipped(rules.apply(row("alice", message("chat", "localhost", "<body>x</body>")))))
                .isEqualTo("unreadable");
    }

    @Test
    void entitiesAndDoctypesFromAClientAreNeverResolved() {
        var captured = rules.apply(row("alice", """
                <!DOCTYPE message [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\
                <message xmlns="jabber:client" from="bob@localhost/r" to="alice@localhost" type="chat">\
                <body>&xxe;</body></message>"""));

        assertThat(skipped(captured)).isEqualTo("unreadable");
    }

    private static String message(String type, String from, String children) {
        return "<message xmlns='jabber:client' from='" + from + "' to='alice@localhost' type='" + type + "'>"
                + children + "</message>";
    }

    /** A row as ejabberd's archive has it. */
    private static ArchiveRow row(String owner, String xml) {
        return row(owner, ARCHIVE_ID, xml);
    }

    private static ArchiveRow row(String owner, long archiveId, String xml) {
        return new ArchiveRow(owner + "@localhost", Long.toString(archiveId), "chat", xml,
                Instant.EPOCH.plus(archiveId, ChronoUnit.MICROS));
    }

    private static MessageAccepted reply(List<Capture> captured) {
        assertThat(captured).singleElement().isInstanceOf(Capture.Reply.class);
        return ((Capture.Reply) captured.getFirst()).message();
    }

    private static String skipped(List<Capture> captured) {
        assertThat(captured).singleElement().isInstanceOf(Capture.Skipped.class);
        return ((Capture.Skipped) captured.getFirst()).reason();
    }

    private static List<Outcome> evidence(List<Capture> captured) {
        return captured.stream().filter(Capture.Evidence.class::isInstance)
                .map(c -> ((Capture.Evidence) c).evidence().outcome()).toList();
    }
}
