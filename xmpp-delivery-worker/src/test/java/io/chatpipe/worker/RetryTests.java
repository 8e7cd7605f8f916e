package io.chatpipe.worker;

import static io.chatpipe.worker.RunningWorker.DELIVERY_TIMEOUT;
import static io.chatpipe.worker.RunningWorker.unique;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.events.DeliveryAttempted;
import io.chatpipe.events.DeliveryAttempted.Outcome;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.testsupport.TopicRecords;
import io.chatpipe.testsupport.XmppTestClient;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jivesoftware.smack.packet.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ejabberd going away is a pause, not a loss. */
class RetryTests {

    private static RunningWorker worker;

    @BeforeAll
    static void startWorker() {
        worker = RunningWorker.start();
    }

    @AfterAll
    static void stopWorker() {
        worker.close();
    }

    @Test
    void retriesWhileEjabberdIsDownAndDeliversOnceItIsBack() {
        UserId sender = UserId.of(unique("oscar"));
        UserId recipient = UserId.of(unique("peggy"));
        XmppTestClient.register(worker.ejabberd, recipient.localpart(), "peggys-password").close();
        MessageAccepted message = MessageAccepted.of(MessageId.random(), sender, recipient, "are you there?",
                Instant.now(), null);

        worker.ejabberd.stop();
        try {
            RunningWorker.publish(Topics.MESSAGES, null, message.conversationId(), message);
            List<DeliveryAttempted> retrying = TopicRecords.await(Topics.DELIVERIES,
                    r -> r.value().messageId().equals(message.messageId()), found -> found.size() >= 2,
                    DELIVERY_TIMEOUT).stream().map(ConsumerRecord::value).toList();
            assertThat(retrying).extracting(DeliveryAttempted::outcome).containsOnly(Outcome.RETRYING);
            assertThat(retrying).extracting(DeliveryAttempted::attempt).startsWith(1, 2);
            assertThat(retrying.getFirst().error()).contains("register").contains("ConnectException");
        } finally {
            worker.ejabberd.start();
        }

        List<DeliveryAttempted> outcomes = TopicRecords.await(Topics.DELIVERIES,
                r -> r.value().messageId().equals(message.messageId()),
                found -> !found.isEmpty() && found.getLast().value().outcome() != Outcome.RETRYING, DELIVERY_TIMEOUT)
                .stream().map(ConsumerRecord::value).toList();
        DeliveryAttempted accepted = outcomes.getLast();
        assertThat(accepted.outcome()).isEqualTo(Outcome.ACCEPTED);
        // one outcome per attempt, numbered 1, 2, ... n, the last one accepted
        assertThat(outcomes).extracting(DeliveryAttempted::attempt)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, outcomes.size()).boxed().toList());

        // the recipient was offline while ejabberd was down: it gets the message when it logs in
        try (var peggy = XmppTestClient.login(worker.ejabberd, recipient.localpart(), "peggys-password")) {
            Message received = peggy.awaitMessage(DELIVERY_TIMEOUT,
                    m -> message.messageId().toString().equals(m.getStanzaId()));
            assertThat(received.getBody()).isEqualTo("are you there?");
        }
    }
}
