package io.chatpipe.history.rebuild;

import io.chatpipe.events.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

/**
 * Rebuilds history from the topics, as {@code kafka-streams-application-reset} would: with every instance of
 * the application stopped, it deletes the application's consumer group (so its committed offsets) and its
 * internal changelog and repartition topics; Kafka Streams then wipes this instance's local state and reads
 * chat.messages, chat.deliveries, chat.reads and chat.erasures from their beginning. Progress is logged until caught up.
 */
@Component
public class HistoryRebuild implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(HistoryRebuild.class);

    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    private static final List<String> SOURCES =
            List.of(Topics.MESSAGES.name(), Topics.DELIVERIES.name(), Topics.READS.name(), Topics.ERASURES.name());

    private final KafkaAdmin kafkaAdmin;
    private final ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("history-rebuild-progress").daemon().factory());

    HistoryRebuild(KafkaAdmin kafkaAdmin) {
        this.kafkaAdmin = kafkaAdmin;
    }

    /** Forgets everything the application derived from the topics. Refuses while any instance still runs. */
    public void reset(String applicationId) {
        try (Admin admin = Admin.create(kafkaAdmin.getConfigurationProperties())) {
            try {
                admin.deleteConsumerGroups(List.of(applicationId)).all().get();
                log.info("Rebuild: deleted consumer group {} and its committed offsets", applicationId);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof GroupNotEmptyException) {
                    throw new IllegalStateException("Cannot rebuild " + applicationId
                            + " while instances of it are running: stop them all first", e.getCause());
                }
                if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                    throw new IllegalStateException("Cannot delete consumer group " + applicationId, e.getCause());
                }
            }
            Set<String> internal = admin.listTopics().names().get().stream()
                    .filter(topic -> topic.startsWith(applicationId + "-")
                            && (topic.endsWith("-changelog") || topic.endsWith("-repartition")))
                    .collect(Collectors.toSet());
            if (!internal.isEmpty()) {
                admin.deleteTopics(internal).all().get();
                awaitGone(admin, internal);
                log.info("Rebuild: deleted internal topics {}", internal);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while resetting " + applicationId, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot reset " + applicationId, e.getCause());
        }
    }

    /**
     * Whether any of these internal topics ({@code <applicationId>-<name>}) exists: what stores an older version of
     * history kept, whose state the current version does not read. Unknown (Kafka not answering) counts as no.
     */
    public boolean hasInternalTopic(String applicationId, List<String> names) {
        try (Admin admin = Admin.create(kafkaAdmin.getConfigurationProperties())) {
            Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            return names.stream().anyMatch(name -> topics.contains(applicationId + "-" + name));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            log.warn("Cannot list the topics of {} to find an older layout of its stores: {}", applicationId,
                    e.getMessage());
            return false;
        }
    }

    /** Logs how far the application has read its source topics, every few seconds, until it has caught up. */
    public void reportProgress(String applicationId) {
        progress.scheduleWithFixedDelay(() -> {
            try (Admin admin = Admin.create(kafkaAdmin.getConfigurationProperties())) {
                Map<TopicPartition, OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                admin.describeTopics(SOURCES).allTopicNames().get().forEach((topic, description) ->
                        description.partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()),
                                OffsetSpec.latest())));
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                        admin.listOffsets(latest).all().get();
                long total = ends.values().stream().mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
                long done = ends.keySet().stream().mapToLong(tp -> {
                    OffsetAndMetadata at = committed.get(tp);
                    return at == null ? 0 : Math.min(at.offset(), ends.get(tp).offset());
                }).sum();
                log.info("Rebuild of {}: {} of {} records of {} read ({}%)", applicationId, done, total, SOURCES,
                        total == 0 ? 100 : done * 100 / total);
                if (done >= total) {
                    log.info("Rebuild of {} has caught up with the topics", applicationId);
                    progress.shutdown();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | RuntimeException e) {
                log.debug("Rebuild progress not available yet: {}", e.getMessage());
            }
        }, PROGRESS_EVERY.toMillis(), PROGRESS_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void awaitGone(Admin admin, Set<String> topics) throws InterruptedException, ExecutionException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                Set<String> left = admin.listTopics().names().get().stream().filter(topics::contains)
                        .collect(Collectors.toSet());
                if (left.isEmpty()) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("Internal topics " + topics + " are still being deleted; try again");
    }

    @Override
    public void destroy() {
        progress.shutdownNow();
    }
}
