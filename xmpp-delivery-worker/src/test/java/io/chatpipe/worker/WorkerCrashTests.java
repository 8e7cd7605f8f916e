package io.chatpipe.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.events.DeliveryAttempted;
import io.chatpipe.events.Topics;
import io.chatpipe.testsupport.ServiceProcess;
import io.chatpipe.testsupport.TopicRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker killed with SIGKILL in the middle of a backlog: a second worker in the same group takes
 * its partitions from the last committed offsets, and every message reaches its recipient, in order.
 */
class WorkerCrashTests {

    private static final Logger log = LoggerFactory.getLogger(WorkerCrashTests.class);

    /** So that the group notices the killed member in seconds rather than Kafka's default 45. */
    static final String[] QUICK_GROUP = {
            "--spring.kafka.consumer.properties.session.timeout.ms=6000",
            "--spring.kafka.consumer.properties.heartbeat.interval.ms=1000"};

    @Test
    void aSecondWorkerDeliversWhatAKilledWorkerLeftAndNothingIsLost() throws Exception {
        // 3 senders x 10 recipients = 30 conversations of 40 messages
        var backlog = new Backlog("crash", 3, 10, 40);
        Set<String> ids = backlog.messages.stream().map(m -> m.messageId().toString()).collect(Collectors.toSet());
        Predicate<ConsumerRecord<io.chatpipe.events.ConversationId, DeliveryAttempted>> acceptedOurs =
                r -> r.value().outcome() == DeliveryAttempted.Outcome.ACCEPTED && ids.contains(r.value().messageId().toString());
        RunningWorker.publishAll(backlog.messages);

        Path output = Files.createTempFile("chatpipe-worker-", ".log");
        int acceptedBeforeKill;
        try (var first = ServiceProcess.start(DeliveryWorkerApplication.class, output,
                RunningWorker.arguments(QUICK_GROUP))) {
            try {
                TopicRecords.await(Topics.DELIVERIES, acceptedOurs, found -> found.size() >= 150, Duration.ofSeconds(90));
            } catch (AssertionError e) {
                throw new AssertionError("the first worker (" + (first.alive() ? "running" : "exited")
                        + ") did not deliver; its output ends with: " + first.outputTail(), e);
            }
            first.kill();
            acceptedBeforeKill = distinct(TopicRecords.readAll(Topics.DELIVERIES, acceptedOurs));
        } finally {
            log.info("The killed worker's output is in {}", output);
        }
        log.info("{} of {} messages accepted when the first worker was killed", acceptedBeforeKill, ids.size());
        assertThat(acceptedBeforeKill).as("killed mid-stream").isLessThan(ids.size());

        try (var second = RunningWorker.start(QUICK_GROUP)) {
            TopicRecords.await(Topics.DELIVERIES, acceptedOurs, found -> distinct(found) == ids.size(), Duration.ofSeconds(120));
        }
        int duplicates = backlog.assertEveryMessageArrivedInOrder(RunningWorker.ejabberd(), Duration.ofSeconds(60));
        log.info("{} messages arrived twice: delivered by the killed worker after its last commit", duplicates);
    }


    private static int distinct(java.util.List<ConsumerRecord<io.chatpipe.events.ConversationId, DeliveryAttempted>> found) {
        return (int) found.stream().map(r -> r.value().messageId()).distinct().count();
    }
}
