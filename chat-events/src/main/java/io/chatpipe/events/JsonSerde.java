package io.chatpipe.events;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;

/**
 * A Kafka serde for one event type (or id type), through {@link ChatJson}, with a reader built once for the type:
 * {@code MAPPER.readValue(bytes, type)} looks the type's deserializer up again for every record, which
 * history-service pays for each message it reads.
 */
public final class JsonSerde<T> implements Serde<T> {

    private final Class<T> type;
    private final ObjectReader reader;
    private final ObjectWriter writer;

    public JsonSerde(Class<T> type) {
        this.type = type;
        this.reader = ChatJson.MAPPER.readerFor(type);
        // not writerFor(type): a value is written as what it is, whatever the serde's type (ChatEvent's records)
        this.writer = ChatJson.MAPPER.writer();
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> value == null ? null : writer.writeValueAsBytes(value);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return reader.readValue(bytes);
            } catch (JacksonException | IllegalArgumentException e) {
                throw new SerializationException("Cannot read " + type.getSimpleName() + " from " + topic, e);
            }
        };
    }
}
