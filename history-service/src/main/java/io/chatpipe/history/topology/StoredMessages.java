package io.chatpipe.history.topology;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.JsonSerde;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.UserId;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Function;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * How history stores the values it reads and writes for every message ({@link RecordedMessage} in the messages
 * store, {@link ReaderState} in the readers store): a compact binary form, a format byte first, instead of JSON,
 * which took about a quarter of history's CPU time while it rebuilt. A value an older version wrote as JSON (a changelog restored after an upgrade) starts with
 * <code>{</code> and is still read, so an upgrade neither crashes nor needs a rebuild; it is rewritten in the new
 * form only when its key is written again.
 *
 * @param <T> the stored type
 */
final class StoredMessages<T> implements Serde<T> {

    private static final byte FORMAT = 1;
    private static final byte JSON = '{';

    private interface Writer<T> {
        /** Writes the value after the format byte; {@code out} is null for a first pass that only counts bytes. */
        int write(ByteBuffer out, T value);
    }

    private final Class<T> type;
    private final Writer<T> writer;
    private final Function<ByteBuffer, T> reader;
    private final Deserializer<T> olderJson;

    private StoredMessages(Class<T> type, Writer<T> writer, Function<ByteBuffer, T> reader) {
        this.type = type;
        this.writer = writer;
        this.reader = reader;
        this.olderJson = new JsonSerde<>(type).deserializer();
    }

    static StoredMessages<RecordedMessage> recordedMessages() {
        return new StoredMessages<>(RecordedMessage.class, StoredMessages::writeRecorded, StoredMessages::readRecorded);
    }

    static StoredMessages<ReaderState> readerStates() {
        return new StoredMessages<>(ReaderState.class, StoredMessages::writeReader, StoredMessages::readReader);
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> {
            if (value == null) {
                return null;
            }
            // sized by a first pass, so that the bytes are written once, into an array of the right size
            ByteBuffer out = ByteBuffer.allocate(1 + writer.write(null, value));
            out.put(FORMAT);
            writer.write(out, value);
            return out.array();
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null || bytes.length > 0 && bytes[0] == JSON) {
                return olderJson.deserialize(topic, bytes);
            }
            if (bytes.length == 0 || bytes[0] != FORMAT) {
                throw new SerializationException("Cannot read " + type.getSimpleName() + " from " + topic
                        + ": unknown format " + (bytes.length == 0 ? "(empty)" : bytes[0]));
            }
            try {
                return reader.apply(ByteBuffer.wrap(bytes, 1, bytes.length - 1));
            } catch (IllegalArgumentException | IndexOutOfBoundsException | BufferUnderflowException e) {
                throw new SerializationException("Cannot read " + type.getSimpleName() + " from " + topic, e);
            }
        };
    }

    /**
     * The id of a message stored by {@link #recordedMessages()}, read where the binary form keeps it without reading
     * the rest (after the format byte: partition, offset and schema, then the id's two halves).
     */
    static MessageId messageId(byte[] storedMessage) {
        if (storedMessage.length > 0 && storedMessage[0] == FORMAT) {
            ByteBuffer in = ByteBuffer.wrap(storedMessage, 1 + Integer.BYTES + Long.BYTES + Integer.BYTES,
                    2 * Long.BYTES);
            return new MessageId(new UUID(in.getLong(), in.getLong()));
        }
        return recordedMessages().deserializer().deserialize(null, storedMessage).message().messageId();
    }

    private static int writeReader(ByteBuffer out, ReaderState state) {
        int size = putLong(out, state.horizonOffset()) + putInt(out, state.unread())
                + putByte(out, state.pendingHorizon() == null ? 0 : 1);
        if (state.pendingHorizon() == null) {
            return size;
        }
        UUID pending = state.pendingHorizon().value();
        return size + putLong(out, pending.getMostSignificantBits()) + putLong(out, pending.getLeastSignificantBits());
    }

    private static ReaderState readReader(ByteBuffer in) {
        long horizon = in.getLong();
        int unread = in.getInt();
        MessageId pending = in.get() != 0 ? new MessageId(new UUID(in.getLong(), in.getLong())) : null;
        return new ReaderState(horizon, pending, unread);
    }

    private static int writeRecorded(ByteBuffer out, RecordedMessage recorded) {
        MessageAccepted message = recorded.message();
        return putInt(out, recorded.partition())
                + putLong(out, recorded.offset())
                + putInt(out, message.schema())
                + putLong(out, message.messageId().value().getMostSignificantBits())
                + putLong(out, message.messageId().value().getLeastSignificantBits())
                + writeString(out, message.conversationId().value())
                + writeString(out, message.fromId().value())
                + writeString(out, message.toId().value())
                + writeString(out, message.message())
                + writeInstant(out, message.acceptedAt())
                + writeString(out, message.clientMessageId())
                + putByte(out, message.source().ordinal())
                + writeString(out, message.senderJid());
    }

    private static RecordedMessage readRecorded(ByteBuffer in) {
        int partition = in.getInt();
        long offset = in.getLong();
        int schema = in.getInt();
        MessageId id = new MessageId(new UUID(in.getLong(), in.getLong()));
        ConversationId conversation = new ConversationId(readString(in));
        UserId from = new UserId(readString(in));
        UserId to = new UserId(readString(in));
        String text = readString(in);
        Instant acceptedAt = readInstant(in);
        String clientMessageId = readString(in);
        MessageAccepted.Source source = MessageAccepted.Source.values()[in.get()];
        String senderJid = readString(in);
        return new RecordedMessage(new MessageAccepted(schema, id, conversation, from, to, text, acceptedAt,
                clientMessageId, source, senderJid), partition, offset);
    }

    /** A length (-1 for null) and UTF-8 bytes; ids and most texts are ASCII, whose length is their size. */
    private static int writeString(ByteBuffer out, String value) {
        if (value == null) {
            return putInt(out, -1);
        }
        if (out == null) {
            return Integer.BYTES + (ascii(value) ? value.length() : value.getBytes(StandardCharsets.UTF_8).length);
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.putInt(bytes.length);
        out.put(bytes);
        return Integer.BYTES + bytes.length;
    }

    private static boolean ascii(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static String readString(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0) {
            return null;
        }
        String value = new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return value;
    }

    private static int writeInstant(ByteBuffer out, Instant instant) {
        if (instant == null) {
            return putByte(out, 0);
        }
        return putByte(out, 1) + putLong(out, instant.getEpochSecond()) + putInt(out, instant.getNano());
    }

    private static Instant readInstant(ByteBuffer in) {
        if (in.get() == 0) {
            return null;
        }
        long seconds = in.getLong();
        return Instant.ofEpochSecond(seconds, in.getInt());
    }

    private static int putByte(ByteBuffer out, int value) {
        if (out != null) {
            out.put((byte) value);
        }
        return 1;
    }

    private static int putInt(ByteBuffer out, int value) {
        if (out != null) {
            out.putInt(value);
        }
        return Integer.BYTES;
    }

    private static int putLong(ByteBuffer out, long value) {
        if (out != null) {
            out.putLong(value);
        }
        return Long.BYTES;
    }
}
