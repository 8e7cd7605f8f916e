package io.chatpipe.worker;

import static io.chatpipe.worker.RunningWorker.DELIVERY_TIMEOUT;
import static io.chatpipe.worker.RunningWorker.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.testsupport.XmppTestClient;
import io.chatpipe.worker.delivery.DeliveryBackend;
import io.chatpipe.worker.dispatch.DeliveryException;
import io.chatpipe.worker.dispatch.KeyOrderedDispatcher;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jivesoftware.smack.packet.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * A conversation's backlog goes to ejabberd in rounds: the waiting messages sent one after the other,
 * then one confirmation for the round, not one each. When a round's confirmation fails, the whole
 * round is sent again, in order. Real Kafka and ejabberd; the backend is the worker's own, watched
 * (and one confirmation held back or failed on purpose).
 */
class BacklogRoundsTests {

    private static final int BACKLOG = 200;

    private static final Watched watched = new Watched();

    private static RunningWorker worker;

    @BeforeAll
    static void startWorker() {
        worker = RunningWorker.start(context -> context.getBeanFactory().addBeanPostProcessor(new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                if (bean instanceof DeliveryBackend backend) {
                    watched.real = backend;
                    return watched;
                }
                return bean;
            }
        }));
    }

    @AfterAll
    static void stopWorker() {
        worker.close();
    }

    @BeforeEach
    void watchAfresh() {
        watched.confirmed.clear();
        watched.failNextAfterHold.set(false);
    }

    @Test
    void aBacklogIsConfirmedOnceARoundNotOnceAMessageAndArrivesInOrder() throws Exception {
        Conversation chat = Conversation.open("rounds");
        List<MessageAccepted> messages = chat.backlogBehindAHeldConfirmation();

        List<String> ids = messages.stream().map(m -> m.messageId().toString()).toList();
        List<Message> received = chat.awaitAll(ids);
        assertThat(received).extracting(Message::getStanzaId).containsExactlyElementsOf(ids);
        assertThat(received).extracting(Message::getBody)
                .containsExactlyElementsOf(messages.stream().map(MessageAccepted::message).toList());

        assertThat(outcomes(ids).values()).allSatisfy(attempts -> assertThat(attempts).containsExactly("ACCEPTED 1"));
        // once all are done (a message is in the client's hands before its round's confirmation begins)
        List<List<String>> rounds = watched.roundsOf(Set.copyOf(ids));
        // the first message alone (its confirmation held while the rest queued), then rounds of up to MAX_ROUND
        assertThat(rounds.getFirst()).containsExactly(ids.getFirst());
        assertThat(rounds).hasSizeLessThanOrEqualTo(1 + (BACKLOG - 1 + KeyOrderedDispatcher.MAX_ROUND - 1)
                / KeyOrderedDispatcher.MAX_ROUND).hasSizeLessThan(BACKLOG / 10);
        assertThat(rounds.stream().flatMap(List::stream).toList()).containsExactlyElementsOf(ids);
        chat.close();
    }

    @Test
    void aRoundWhoseConfirmationFailsIsSentAgainWholeAndInOrderWithWhatWasSentAfterIt() throws Exception {
        Conversation chat = Conversation.open("again");
        watched.failNextAfterHold.set(true);
        List<MessageAccepted> messages = chat.backlogBehindAHeldConfirmation();

        List<String> ids = messages.stream().map(m -> m.messageId().toString()).toList();
        chat.awaitAll(ids);
        Map<String, List<String>> outcomes = outcomes(ids);
        List<List<String>> rounds = watched.roundsOf(Set.copyOf(ids));
        List<String> failedRound = rounds.get(1);
        assertThat(failedRound).hasSizeGreaterThan(1);
        // the failed round went again, whole, before anything after it
        assertThat(rounds.get(2)).startsWith(failedRound.toArray(String[]::new));

        List<String> arrived = chat.client.received().stream().map(Message::getStanzaId).filter(ids::contains).toList();
        // the failed round arrived twice (the first copies were not lost, just unconfirmed), and so did what
        // was sent after it while it was being confirmed (at most a round): one unbroken stretch from it
        Map<String, Long> copies = arrived.stream().collect(Collectors.groupingBy(id -> id, Collectors.counting()));
        assertThat(copies.values()).allSatisfy(count -> assertThat(count).isBetween(1L, 2L));
        List<String> twice = ids.stream().filter(id -> copies.get(id) == 2L).toList();
        int from = ids.indexOf(failedRound.getFirst());
        assertThat(twice).startsWith(failedRound.toArray(String[]::new))
                .containsExactlyElementsOf(ids.subList(from, from + twice.size()))
                .hasSizeLessThanOrEqualTo(failedRound.size() + KeyOrderedDispatcher.MAX_ROUND);
        // de-duplicated by id, as clients do: every message once, in order
        assertThat(List.copyOf(new LinkedHashSet<>(arrived))).containsExactlyElementsOf(ids);

        for (String id : ids) {
            assertThat(outcomes.get(id)).as(id).containsExactlyElementsOf(twice.contains(id)
                    ? List.of("RETRYING 1", "ACCEPTED 2") : List.of("ACCEPTED 1"));
        }
        chat.close();
    }

    @Test
    void aConversationsNextMessageArrivesWhileThePreviousIsStillBeingConfirmed() throws Exception {
        Conversation chat = Conversation.open("ahead");
        List<MessageAccepted> messages = chat.theRestBehindAHeldConfirmation(2);

        // the second is in the client's hands while the first's confirmation is still held back
        String second = messages.get(1).messageId().toString();
        chat.client.awaitMessage(DELIVERY_TIMEOUT, m -> second.equals(m.getStanzaId()));
        assertThat(watched.hold.getCount()).isEqualTo(1);
        watched.hold.countDown();

        List<String> ids = messages.stream().map(m -> m.messageId().toString()).toList();
        assertThat(chat.awaitAll(ids)).extracting(Message::getStanzaId).containsExactlyElementsOf(ids);
        assertThat(outcomes(ids).values()).allSatisfy(attempts -> assertThat(attempts).containsExactly("ACCEPTED 1"));
        // each confirmed once, the first before the second
        assertThat(watched.roundsOf(Set.copyOf(ids)).stream().flatMap(List::stream).toList())
                .containsExactlyElementsOf(ids);
        chat.close();
    }

    /** Each message's outcomes in chat.deliveries, as "OUTCOME attempt", once every message is done. */
    private static Map<String, List<String>> outcomes(List<String> ids) {
        return TopicReader.attempts(ids, 1, DELIVERY_TIMEOUT);
    }

    /** A sender, an online recipient, and a backlog between them. */
    private record Conversation(UserId sender, UserId recipient, XmppTestClient client) {

        static Conversation open(String name) {
            UserId sender = UserId.of(unique(name + "-from"));
            UserId recipient = UserId.of(unique(name + "-to"));
            XmppTestClient.register(worker.ejabberd, recipient.localpart(), "password-of-" + name).close();
            return new Conversation(sender, recipient,
                    XmppTestClient.login(worker.ejabberd, recipient.localpart(), "password-of-" + name));
        }

        /**
         * Publishes one message, holds its confirmation until the rest of the backlog waits in the
         * worker, then lets it go.
         */
        List<MessageAccepted> backlogBehindAHeldConfirmation() throws InterruptedException {
            List<MessageAccepted> messages = theRestBehindAHeldConfirmation(BACKLOG);
            KeyOrderedDispatcher messagesDispatcher = worker.context.getBeansOfType(KeyOrderedDispatcher.class).values()
                    .stream().filter(d -> Topics.MESSAGES.name().equals(d.health().getDetails().get("topic")))
                    .findFirst().orElseThrow();
            await().atMost(DELIVERY_TIMEOUT).until(() ->
                    (Integer) messagesDispatcher.health().getDetails().get("waiting") >= BACKLOG);
            watched.hold.countDown();
            return messages;
        }

        /**
         * Publishes the first of {@code count} messages, and the rest once its confirmation is held
         * (until {@code watched.hold} is counted down).
         */
        List<MessageAccepted> theRestBehindAHeldConfirmation(int count) throws InterruptedException {
            List<MessageAccepted> messages = IntStream.range(0, count)
                    .mapToObj(i -> MessageAccepted.of(MessageId.random(), sender, recipient, "message " + i,
                            Instant.now(), null))
                    .toList();
            watched.hold = new CountDownLatch(1);
            watched.holding = new CountDownLatch(1);
            RunningWorker.publishAll(messages.subList(0, 1));
            assertThat(watched.holding.await(DELIVERY_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            RunningWorker.publishAll(messages.subList(1, count));
            return messages;
        }

        /** The recipient's copies of these messages, first arrival of each, once all arrived. */
        List<Message> awaitAll(List<String> ids) {
            Set<String> wanted = Set.copyOf(ids);
            await().atMost(DELIVERY_TIMEOUT.multipliedBy(2)).until(() -> client.received().stream()
                    .map(Message::getStanzaId).filter(wanted::contains).distinct().count() == ids.size());
            var firstCopies = new java.util.LinkedHashMap<String, Message>();
            client.received().stream().filter(m -> wanted.contains(m.getStanzaId()))
                    .forEach(m -> firstCopies.putIfAbsent(m.getStanzaId(), m));
            return List.copyOf(firstCopies.values());
        }

        void close() {
            client.close();
        }
    }

    /**
     * The worker's own backend, delegated to for every send and confirmation; records which messages
     * each confirmation covered. A held confirmation waits for {@code hold}; with
     * {@code failNextAfterHold}, the confirmation after the held one fails (after its messages were sent).
     */
    static final class Watched implements DeliveryBackend {

        volatile DeliveryBackend real;

        final List<List<String>> confirmed = new CopyOnWriteArrayList<>();

        final AtomicBoolean failNextAfterHold = new AtomicBoolean();

        volatile CountDownLatch hold = new CountDownLatch(0);

        volatile CountDownLatch holding = new CountDownLatch(0);

        private final AtomicBoolean released = new AtomicBoolean();

        @Override
        public String name() {
            return real.name();
        }

        @Override
        public void send(UserId from, UserId to, Message stanza) throws DeliveryException {
            real.send(from, to, stanza);
        }

        @Override
        public List<Sent> confirm(List<Sent> sent) throws DeliveryException, InterruptedException {
            confirmed.add(sent.stream().map(s -> s.stanza().getStanzaId()).toList());
            if (holding.getCount() > 0) {
                holding.countDown();
                released.set(false);
                try {
                    hold.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new DeliveryException.Transient("interrupted", e);
                }
                released.set(true);
            } else if (released.getAndSet(false) && failNextAfterHold.getAndSet(false)) {
                throw new DeliveryException.Transient("confirmation failed on purpose, after the round was sent");
            }
            return real.confirm(sent);
        }

        /** Each confirmation that covered any of {@code ids}, with those of its messages, in order. */
        List<List<String>> roundsOf(Set<String> ids) {
            return confirmed.stream().map(round -> round.stream().filter(ids::contains).toList())
                    .filter(round -> !round.isEmpty()).toList();
        }
    }
}
