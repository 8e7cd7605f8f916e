package io.chatpipe.history.config;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.core.KafkaAdmin;

class SourceTopicsTests {

    @Test
    void asksAgainWhileATopicJustCreatedIsNotKnownYet() {
        var admin = new FlakyAdmin(2, 4);

        assertThatCode(() -> new SourceTopics(admin, Duration.ofSeconds(10)).requireCoPartitioned())
                .doesNotThrowAnyException();
    }

    @Test
    void givesUpAfterABoundedWhile() {
        var admin = new FlakyAdmin(Integer.MAX_VALUE, 4);

        assertThatThrownBy(() -> new SourceTopics(admin, Duration.ofMillis(600)).requireCoPartitioned())
                .isInstanceOf(KafkaException.class).hasRootCauseInstanceOf(UnknownTopicOrPartitionException.class);
    }

    /** Fails as a broker that has not heard of the topics yet, {@code failures} times. */
    private static final class FlakyAdmin extends KafkaAdmin {

        private final AtomicInteger failuresLeft;
        private final int partitions;

        FlakyAdmin(int failures, int partitions) {
            super(Map.of());
            this.failuresLeft = new AtomicInteger(failures);
            this.partitions = partitions;
        }

        @Override
        public Map<String, TopicDescription> describeTopics(String... topicNames) {
            if (failuresLeft.getAndDecrement() > 0) {
                throw new KafkaException("Failed to obtain topic descriptions",
                        new UnknownTopicOrPartitionException("This server does not host this topic-partition."));
            }
            List<TopicPartitionInfo> infos = IntStream.range(0, partitions)
                    .mapToObj(p -> new TopicPartitionInfo(p, null, List.of(), List.of())).toList();
            return List.of(topicNames).stream().collect(Collectors.toMap(name -> name,
                    name -> new TopicDescription(name, false, infos)));
        }
    }
}
