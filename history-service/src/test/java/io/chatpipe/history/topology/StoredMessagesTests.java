package io.chatpipe.history.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatpipe.events.ChatJson;
import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.UserId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class StoredMessagesTests {

    private static final String TOPIC = "chatpipe-history-conversation-messages-changelog";

    private final StoredMessages<RecordedMessage> messages = StoredMessages.recordedMessages();

    private final UserId alice = UserId.of("alice");
    private final UserId bob = UserId.of("Bob Smith@Example");
    private final MessageAccepted fromApi = new MessageAccepted(1, MessageId.random(),
            ConversationId.between(alice, bob), alice, bob, "héllo ✓ <b>&\u0000", Instant.parse("2026-12-07T10:15:30.123456789Z"),
            "client-7", MessageAccepted.Source.API, null);
    private final MessageAccepted captured = MessageAccepted.captured(MessageId.forCapturedStanza("archive-42"), bob,
            alice, "x".repeat(70_000), Instant.parse("2026-12-07T10:15:31Z"), "bob@chat.local/phone");

    @Test
    void readsBackEveryFieldOfAStoredMessage() {
        for (MessageAccepted message : new MessageAccepted[] {fromApi, captured}) {
            RecordedMessage recorded = new RecordedMessage(message, 3, 1_234_567_890_123L);

            assertThat(roundTrip(messages, recorded)).isEqualTo(recorded);
        }
    }

    @Test
    void readsBackReaderStatesWithAndWithoutAPendingHorizon() {
        StoredMessages<ReaderState> readers = StoredMessages.readerStates();
        for (ReaderState state : List.of(ReaderState.NEW, new ReaderState(1_234_567_890_123L, null, 7),
                new ReaderState(3, MessageId.random(), 0))) {
            assertThat(roundTrip(readers, state)).isEqualTo(state);
        }
    }

    @Test
    void isSmallerThanTheJsonItReplaces() {
        RecordedMessage recorded = new RecordedMessage(fromApi, 1, 42);

        assertThat(messages.serializer().serialize(TOPIC, recorded))
                .hasSizeLessThan(ChatJson.MAPPER.writeValueAsBytes(recorded).length * 3 / 4);
    }

    @Test
    void readsWhatAnOlderVersionWroteAsJson() {
        RecordedMessage recorded = new RecordedMessage(fromApi, 2, 77);

        assertThat(messages.deserializer().deserialize(TOPIC, ChatJson.MAPPER.writeValueAsBytes(recorded)))
                .isEqualTo(recorded);
    }

    @Test
    void readsAReaderStateAnOlderVersionWroteWithItsLastMessage() {
        byte[] older = ChatJson.MAPPER.writeValueAsBytes(Map.of("horizonOffset", 5, "unread", 2,
                "last", new RecordedMessage(fromApi, 0, 9)));

        assertThat(StoredMessages.readerStates().deserializer().deserialize(TOPIC, older))
                .isEqualTo(new ReaderState(5, null, 2));
    }

    @Test
    void refusesAValueOfAnUnknownFormatWithASerializationError() {
        assertThatThrownBy(() -> messages.deserializer().deserialize(TOPIC, new byte[] {9, 1, 2}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("unknown format");
        assertThatThrownBy(() -> messages.deserializer().deserialize(TOPIC, new byte[] {1, 0, 0}))
                .isInstanceOf(SerializationException.class);
    }

    private static <T> T roundTrip(StoredMessages<T> serde, T value) {
        return serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, value));
    }
}
