package io.chatpipe.api;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads {@code chat.messages} from its beginning to its end as of now, as any consumer would. The API
 * answers only after Kafka acknowledged a record, so whatever it wrote before this call is in here.
 */
public final class ChatMessagesTopic {

    private ChatMessagesTopic() {
    }

    /** Every record of a message to or from any of the users, in the topic's order per partition. */
    public static List<ConsumerRecord<ConversationId, MessageAccepted>> recordsInvolving(String bootstrapServers,
            UserId... users) {
        // a record's key names both users: only the records of the users' conversations are parsed (parsing
        // ids is slow, and the topic holds every test's messages)
        Set<String> localparts = Stream.of(users).map(UserId::localpart).collect(Collectors.toSet());
        Deserializer<ConversationId> keys = Topics.MESSAGES.keys().deserializer();
        Deserializer<MessageAccepted> values = Topics.MESSAGES.values().deserializer();
        List<UserId> involved = List.of(users);
        return readToEnd(bootstrapServers).stream()
                .filter(record -> Stream.of(record.key().split(":")).anyMatch(localparts::contains))
                .map(record -> new ConsumerRecord<>(record.topic(), record.partition(), record.offset(),
                        keys.deserialize(record.topic(), record.key().getBytes(StandardCharsets.UTF_8)),
                        values.deserialize(record.topic(), record.value())))
                .filter(record -> involved.contains(record.value().fromId())
                        || involved.contains(record.value().toId()))
                .toList();
    }

    private static List<ConsumerRecord<String, byte[]>> readToEnd(String bootstrapServers) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        String topic = Topics.MESSAGES.name();
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            Instant giveUp = Instant.now().plusSeconds(60);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                if (Instant.now().isAfter(giveUp)) {
                    throw new AssertionError("could not read " + topic + " to its end");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }
}
