package io.chatpipe.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CapturedMessagesTests {

    private static final Instant AT = Instant.parse("2026-12-07T10:00:00Z");

    @Test
    void aRecordWrittenBeforeSourcesWereKeptReadsAsFromTheApi() {
        String old = """
                {"schema":1,"messageId":"6f1c8c1e-7c0b-4a59-9d5e-2b8a3f1d2c10","conversationId":"alice:bob",
                 "fromId":"alice","toId":"bob","message":"hi","acceptedAt":"2026-12-07T10:00:00Z"}""";
        MessageAccepted message = Topics.MESSAGES.values().deserializer()
                .deserialize("chat.messages", old.getBytes(StandardCharsets.UTF_8));

        assertThat(message.source()).isEqualTo(MessageAccepted.Source.API);
        assertThat(message.toDeliver()).isTrue();
    }

    @Test
    void aCapturedMessageKeepsItsSourceAndSenderThroughKafkaAndIsNotDeliveredAgain() {
        MessageAccepted reply = MessageAccepted.captured(MessageId.forCapturedStanza("bob@localhost/phone\u0000o-1"),
                UserId.of("bob"), UserId.of("alice"), "hello back", AT, "bob@localhost/phone");

        byte[] json = Topics.MESSAGES.values().serializer().serialize("chat.messages", reply);
        MessageAccepted read = Topics.MESSAGES.values().deserializer().deserialize("chat.messages", json);

        assertThat(read).isEqualTo(reply);
        assertThat(read.source()).isEqualTo(MessageAccepted.Source.XMPP);
        assertThat(read.senderJid()).isEqualTo("bob@localhost/phone");
        assertThat(read.conversationId()).isEqualTo(ConversationId.of("alice:bob"));
        assertThat(read.toDeliver()).isFalse();
    }

    @Test
    void theSameStanzaCapturedTwiceHasOneIdAndAnotherStanzaAnother() {
        assertThat(MessageId.forCapturedStanza("bob@localhost\u0000o-1"))
                .isEqualTo(MessageId.forCapturedStanza("bob@localhost\u0000o-1"))
                .isNotEqualTo(MessageId.forCapturedStanza("bob@localhost\u0000o-2"))
                .isNotEqualTo(MessageId.forCapturedStanza("carol@localhost\u0000o-1"));
    }

    @Test
    void evidenceIsOnlyWhatTheRecipientsSideCanShow() {
        var id = MessageId.random();
        var read = DeliveryAttempted.evidence(id, ConversationId.of("alice:bob"), DeliveryAttempted.Outcome.READ, AT);

        assertThat(read.backend()).isEqualTo(DeliveryAttempted.ARCHIVE);
        assertThat(read.attempt()).isZero();
        assertThatThrownBy(() -> DeliveryAttempted.evidence(id, ConversationId.of("alice:bob"),
                DeliveryAttempted.Outcome.ACCEPTED, AT)).isInstanceOf(IllegalArgumentException.class);
    }
}
