package io.chatpipe.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.events.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

class TopicRecordsTests {

    /** Reads only values that are whole numbers: anything else is a record its serdes cannot read. */
    private static final Serde<Long> NUMBERS = Serdes.serdeFrom(Serdes.Long().serializer(),
            (Deserializer<Long>) (topic, data) -> {
                try {
                    return Long.parseLong(new String(data, StandardCharsets.UTF_8));
                } catch (NumberFormatException e) {
                    throw new SerializationException("not a number", e);
                }
            });

    @Test
    void aRecordTheSerdesCannotReadMatchesNothingAndTheReadGoesOn() throws Exception {
        var topic = new Topic<>("topic-records-" + UUID.randomUUID(), Serdes.String(), NUMBERS);
        TopicRecords.create(topic);
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String value : new String[] {"1", "{not a number", "2"}) {
                producer.send(new ProducerRecord<>(topic.name(), 0, "k".getBytes(StandardCharsets.UTF_8),
                        value.getBytes(StandardCharsets.UTF_8))).get();
            }
        }

        var found = TopicRecords.await(topic, record -> true, records -> records.size() >= 2, Duration.ofSeconds(30));

        assertThat(found).extracting(ConsumerRecord::value).containsExactly(1L, 2L);
        assertThat(TopicRecords.readAll(topic, record -> true)).extracting(ConsumerRecord::value).containsExactly(1L, 2L);
        assertThat(TopicRecords.readAll(KafkaBroker.bootstrapServers(), topic.name(), Duration.ofSeconds(30)))
                .hasSize(3);   // the bytes are all there
    }
}
