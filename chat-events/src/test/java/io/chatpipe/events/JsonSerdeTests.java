package io.chatpipe.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** A serde writes a value as what it is, whatever type the serde is for, and reads its own type back. */
class JsonSerdeTests {

    private final MessageAccepted message = MessageAccepted.of(MessageId.random(), UserId.of("alice"),
            UserId.of("bob"), "hello", Instant.parse("2026-12-07T21:00:00Z"), "client-1");

    @Test
    void writesAnEventThroughTheSerdeOfItsInterfaceAsItsOwnSerdeWould() {
        byte[] asEvent = new JsonSerde<>(ChatEvent.class).serializer().serialize("chat.messages", message);
        byte[] asItself = new JsonSerde<>(MessageAccepted.class).serializer().serialize("chat.messages", message);

        assertThat(new String(asEvent, StandardCharsets.UTF_8)).isEqualTo(new String(asItself, StandardCharsets.UTF_8));
        assertThat(new JsonSerde<>(MessageAccepted.class).deserializer().deserialize("chat.messages", asEvent))
                .isEqualTo(message);
    }

    @Test
    void refusesWhatIsNotItsTypeWithASerializationError() {
        byte[] notJson = "not json".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> new JsonSerde<>(MessageAccepted.class).deserializer().deserialize("chat.messages",
                notJson)).isInstanceOf(SerializationException.class).hasMessageContaining("MessageAccepted");
    }
}
