package io.chatpipe.worker;

import static io.chatpipe.worker.RunningWorker.DELIVERY_TIMEOUT;
import static io.chatpipe.worker.RunningWorker.unique;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.DeliveryAttempted;
import io.chatpipe.events.DeliveryAttempted.Outcome;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.testsupport.KafkaBroker;
import io.chatpipe.testsupport.ServiceProcess;
import io.chatpipe.testsupport.XmppTestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.junit.jupiter.api.Test;

/**
 * {@code chatpipe.worker.ejabberd.confirm-by=archive} on the real broker and the real ejabberd: a message
 * counts as delivered once its recipient's archive row shows on {@code chat.deliveries} as STORED. The test
 * plays capture's part, writing that evidence when the recipient's client (Smack) receives a copy: a test of
 * the worker, not of capture.
 */
class ArchiveConfirmationTests {

    /** Short, so that a message without evidence goes again in seconds. */
    private static final String[] ARCHIVE = {
            "--chatpipe.worker.ejabberd.confirm-by=archive",
            "--chatpipe.worker.ejabberd.archive-patience=4s"};

    @Test
    void messagesWhoseArchiveRowShowsAreAcceptedAndNotSentAgain() throws Exception {
        Chat chat = Chat.open("stored");
        List<MessageAccepted> messages = chat.messages(5);
        try (var worker = RunningWorker.start(ARCHIVE); var capture = chat.capturing((id, copy) -> true)) {
            RunningWorker.publishAll(messages);

            Map<String, List<String>> outcomes = outcomes(messages, 1);
            assertThat(outcomes.values()).allSatisfy(attempts -> assertThat(attempts).containsExactly("ACCEPTED 1"));
            // each is done: nothing is left to send it again
            assertThat(chat.arrivals(messages)).containsExactlyElementsOf(ids(messages));
            // each timed from its send to its evidence
            assertThat(worker.context.getBean(io.micrometer.core.instrument.MeterRegistry.class)
                    .get("chatpipe.worker.evidence.wait").timer().count()).isEqualTo(messages.size());
        } finally {
            chat.close();
        }
    }

    @Test
    void aMessageWhoseRowNeverShowsIsSentAgainAfterThePatienceAndOnlyIt() throws Exception {
        Chat chat = Chat.open("missing");
        List<MessageAccepted> messages = chat.messages(3);
        String lost = messages.get(1).messageId().toString();
        // the second message's first copy never reaches the archive; its second does
        try (var worker = RunningWorker.start(ARCHIVE);
             var capture = chat.capturing((id, copy) -> !id.equals(lost) || copy > 1)) {
            RunningWorker.publishAll(messages);

            Map<String, List<String>> outcomes = outcomes(messages, 1);
            assertThat(outcomes.get(lost)).containsExactly("RETRYING 1", "ACCEPTED 2");
            assertThat(outcomes.get(messages.get(0).messageId().toString())).containsExactly("ACCEPTED 1");
            assertThat(outcomes.get(messages.get(2).messageId().toString())).containsExactly("ACCEPTED 1");

            List<String> arrivals = chat.arrivals(messages);
            assertThat(arrivals).filteredOn(lost::equals).hasSize(2);
            assertThat(arrivals).filteredOn(id -> !id.equals(lost)).containsExactlyElementsOf(
                    List.of(messages.get(0).messageId().toString(), messages.get(2).messageId().toString()));
            assertThat(worker.context.getBean(io.micrometer.core.instrument.MeterRegistry.class)
                    .get("chatpipe.worker.evidence.missing").counter().count()).isEqualTo(1.0);
        } finally {
            chat.close();
        }
    }

    @Test
    void aMessageStoredBeforeTheWorkerRestartedIsNotSentAgain() throws Exception {
        Chat chat = Chat.open("restart");
        List<MessageAccepted> messages = chat.messages(5);
        Path output = Files.createTempFile("chatpipe-worker-", ".log");
        try (var capture = chat.capturing((id, copy) -> true)) {
            // a worker that commits nothing before it is killed: its successor reads the same records again
            String[] first = RunningWorker.arguments(concat(ARCHIVE, WorkerCrashTests.QUICK_GROUP,
                    "--chatpipe.worker.consumer.commit-interval=1h"));
            try (var killed = ServiceProcess.start(DeliveryWorkerApplication.class, output, first)) {
                RunningWorker.publishAll(messages);
                outcomes(messages, 1);
                killed.kill();
            }
            try (var worker = RunningWorker.start(concat(ARCHIVE, WorkerCrashTests.QUICK_GROUP))) {
                // each read again and found stored: ACCEPTED once more, without a copy
                Map<String, List<String>> outcomes = outcomes(messages, 2);
                assertThat(outcomes.values()).allSatisfy(attempts ->
                        assertThat(attempts).containsExactly("ACCEPTED 1", "ACCEPTED 1"));
                assertThat(chat.arrivals(messages)).containsExactlyElementsOf(ids(messages));
            }
        } finally {
            chat.close();
        }
    }

    private static String[] concat(String[] a, String[] b, String... c) {
        return java.util.stream.Stream.of(a, b, c).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }

    private static List<String> ids(List<MessageAccepted> messages) {
        return messages.stream().map(m -> m.messageId().toString()).toList();
    }

    /** Each message's attempts, once each has {@code accepted} ACCEPTED outcomes. */
    private static Map<String, List<String>> outcomes(List<MessageAccepted> messages, int accepted) {
        return TopicReader.attempts(ids(messages), accepted, DELIVERY_TIMEOUT.multipliedBy(2));
    }

    /** A sender and an online recipient (their own XMPP client). */
    private record Chat(UserId sender, UserId recipient, XmppTestClient client) {

        static Chat open(String name) {
            UserId sender = UserId.of(unique(name + "-from"));
            UserId recipient = UserId.of(unique(name + "-to"));
            return new Chat(sender, recipient,
                    XmppTestClient.register(RunningWorker.ejabberd(), recipient.localpart(), "password-of-" + name));
        }

        List<MessageAccepted> messages(int count) {
            return IntStream.range(0, count).mapToObj(i -> MessageAccepted.of(MessageId.random(), sender, recipient,
                    "message " + i, Instant.now(), null)).toList();
        }

        /** The ids of the copies of these messages the client received, in order of arrival. */
        List<String> arrivals(List<MessageAccepted> messages) {
            Set<String> ids = Set.copyOf(ids(messages));
            return client.received().stream().map(Message::getStanzaId).filter(ids::contains).toList();
        }

        /**
         * Plays capture: for each copy the client receives (the n-th of its id), writes STORED for it to
         * chat.deliveries when {@code stores} says its archive row would be there.
         */
        Capture capturing(BiPredicate<String, Integer> stores) {
            return new Capture(this, stores);
        }

        void close() {
            client.close();
        }
    }

    private static final class Capture implements AutoCloseable {

        private final KafkaProducer<ConversationId, DeliveryAttempted> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG, "all"),
                Topics.DELIVERIES.keys().serializer(), Topics.DELIVERIES.values().serializer());

        private final Map<String, Integer> copies = new ConcurrentHashMap<>();

        Capture(Chat chat, BiPredicate<String, Integer> stores) {
            ConversationId conversation = ConversationId.between(chat.sender(), chat.recipient());
            chat.client().connection().addAsyncStanzaListener(stanza -> {
                String id = stanza.getStanzaId();
                if (id == null) {
                    return;
                }
                int copy = copies.merge(id, 1, Integer::sum);
                if (stores.test(id, copy)) {
                    producer.send(new ProducerRecord<>(Topics.DELIVERIES.name(), conversation,
                            DeliveryAttempted.evidence(MessageId.of(id), conversation, Outcome.STORED, Instant.now())));
                }
            }, StanzaTypeFilter.MESSAGE);
        }

        @Override
        public void close() {
            producer.close();
        }
    }
}
