package io.chatpipe.worker;

import static io.chatpipe.worker.RunningWorker.unique;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.events.UserProvisioned;
import io.chatpipe.testsupport.TopicRecords;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** CreateOrGetUser across a restart: chat.users is where a new worker learns what was created. */
class ProvisioningTests {

    @Test
    void aRestartedWorkerKnowsTheUsersItCreatedAndDoesNotRecordThemAgain() {
        UserId sender = UserId.of(unique("kim"));
        UserId recipient = UserId.of(unique("lee"));

        try (var first = RunningWorker.start()) {
            deliver(MessageAccepted.of(MessageId.random(), sender, recipient, "before the restart", Instant.now(), null));
        }
        try (var second = RunningWorker.start()) {
            deliver(MessageAccepted.of(MessageId.random(), recipient, sender, "after the restart", Instant.now(), null));
        }

        // provisioning happens before delivery: by now every record about them is written
        List<UserProvisioned> records = TopicRecords.readAll(Topics.USERS,
                r -> r.key().equals(sender) || r.key().equals(recipient)).stream().map(ConsumerRecord::value).toList();
        assertThat(records).hasSize(2).allMatch(UserProvisioned::created);
    }

    private static void deliver(MessageAccepted message) {
        RunningWorker.publish(Topics.MESSAGES, null, message.conversationId(), message);
        TopicReader.awaitOne(Topics.DELIVERIES, r -> r.value().messageId().equals(message.messageId()));
    }
}
