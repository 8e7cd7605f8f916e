package io.chatpipe.worker;

import io.chatpipe.events.DeliveryAttempted;
import io.chatpipe.events.Topic;
import io.chatpipe.events.Topics;
import io.chatpipe.testsupport.TopicRecords;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** What the worker wrote, as the tests check it: each message's attempts, the first record matching. */
final class TopicReader {

    private TopicReader() {
    }

    /**
     * Each message's delivery attempts in chat.deliveries (the archive's evidence left out), as "OUTCOME attempt"
     * in the order written, once there are {@code acceptedEach} ACCEPTED outcomes for each of the ids.
     */
    static Map<String, List<String>> attempts(Collection<String> ids, int acceptedEach, Duration timeout) {
        Set<String> wanted = Set.copyOf(ids);
        List<DeliveryAttempted> found = TopicRecords.await(Topics.DELIVERIES,
                r -> wanted.contains(r.value().messageId().toString()) && !r.value().outcome().evidence(),
                all -> all.stream().filter(r -> r.value().outcome() == DeliveryAttempted.Outcome.ACCEPTED).count()
                        >= (long) acceptedEach * wanted.size(),
                timeout).stream().map(ConsumerRecord::value).toList();
        return found.stream().collect(Collectors.groupingBy(d -> d.messageId().toString(),
                Collectors.mapping(d -> d.outcome() + " " + d.attempt(), Collectors.toList())));
    }

    /** The first record matching, waiting for it. */
    static <K, V> ConsumerRecord<K, V> awaitOne(Topic<K, V> topic, Predicate<ConsumerRecord<K, V>> match) {
        return TopicRecords.await(topic, match, found -> !found.isEmpty(), RunningWorker.DELIVERY_TIMEOUT).getFirst();
    }
}
