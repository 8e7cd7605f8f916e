package io.chatpipe.worker;

import static io.chatpipe.worker.RunningWorker.DELIVERY_TIMEOUT;
import static io.chatpipe.worker.RunningWorker.unique;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.events.DeliveryAttempted;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.events.UserProvisioned;
import io.chatpipe.testsupport.TopicRecords;
import io.chatpipe.testsupport.XmppTestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smackx.chat_markers.element.ChatMarkersElements;
import org.jivesoftware.smackx.receipts.DeliveryReceiptRequest;
import org.jivesoftware.smackx.sid.element.OriginIdElement;
import org.jivesoftware.smackx.vcardtemp.VCardManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.ProducerFactory;

/** The worker against the real broker and the real ejabberd, seen from a real XMPP client. */
class DeliveryWorkerTests {

    private static RunningWorker worker;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startWorker() {
        worker = RunningWorker.start();
    }

    @AfterAll
    static void stopWorker() {
        worker.close();
    }

    @Test
    void deliversToAnOnlineRecipientFromASenderItCreates() throws Exception {
        UserId sender = UserId.of(unique("Alice"));
        String recipientName = unique("bob");
        UserId recipient = UserId.of(recipientName);
        String text = "<b>&amp; ]]> \"quoted\" 'single' \\o/";
        MessageAccepted message = MessageAccepted.of(MessageId.random(), sender, recipient, text, Instant.now(), null);

        try (var bob = XmppTestClient.register(worker.ejabberd, recipient.localpart(), "bobs-own-password")) {
            RunningWorker.publish(Topics.MESSAGES, null, message.conversationId(), message);

            Message received = bob.awaitMessage(DELIVERY_TIMEOUT,
                    m -> message.messageId().toString().equals(m.getStanzaId()));
            assertThat(received.getBody()).isEqualTo(text);
            assertThat(received.getType()).isEqualTo(Message.Type.chat);
            assertThat(received.getFrom().asBareJid().toString()).isEqualTo(sender.jid(worker.ejabberd.domain()));
            assertThat(OriginIdElement.getOriginId(received).getId()).isEqualTo(message.messageId().toString());
            assertThat(DeliveryReceiptRequest.from(received)).isNotNull();
            assertThat(ChatMarkersElements.MarkableExtension.from(received)).isNotNull();
        }

        DeliveryAttempted accepted = TopicReader.awaitOne(Topics.DELIVERIES,
                r -> r.value().messageId().equals(message.messageId())).value();
        assertThat(accepted.outcome()).isEqualTo(DeliveryAttempted.Outcome.ACCEPTED);
        assertThat(accepted.attempt()).isEqualTo(1);
        assertThat(accepted.backend()).isEqualTo("ejabberd-api");
        assertThat(accepted.conversationId()).isEqualTo(message.conversationId());

        UserProvisioned created = TopicReader.awaitOne(Topics.USERS, r -> r.key().equals(sender)).value();
        assertThat(created.created()).isTrue();
        assertThat(created.jid()).isEqualTo(sender.jid(worker.ejabberd.domain()));
        assertThat(accountExists(sender.localpart())).isTrue();

        UserProvisioned existing = TopicReader.awaitOne(Topics.USERS, r -> r.key().equals(recipient)).value();
        assertThat(existing.created()).isFalse();
        // the recipient's own account was used as it was: its password still works
        try (var bobAgain = XmppTestClient.login(worker.ejabberd, recipient.localpart(), "bobs-own-password")) {
            assertThat(bobAgain.connection().isAuthenticated()).isTrue();
        }
    }

    @Test
    void aCreatedUserLogsInWithTheDerivedPasswordAndHasTheirIdAsNickname() throws Exception {
        UserId sender = UserId.of(unique("Ann O'Neil"));
        UserId recipient = UserId.of(unique("carl"));
        var message = MessageAccepted.of(MessageId.random(), sender, recipient, "hello Carl", Instant.now(), null);
        RunningWorker.publish(Topics.MESSAGES, null, message.conversationId(), message);
        TopicReader.awaitOne(Topics.DELIVERIES, r -> r.value().messageId().equals(message.messageId()));

        try (var ann = XmppTestClient.login(worker.ejabberd, sender.localpart(), RunningWorker.passwordOf(sender))) {
            assertThat(VCardManager.getInstanceFor(ann.connection()).loadVCard().getNickName()).isEqualTo(sender.value());
        }
        try (var carl = XmppTestClient.login(worker.ejabberd, recipient.localpart(), RunningWorker.passwordOf(recipient))) {
            Message received = carl.awaitMessage(DELIVERY_TIMEOUT, m -> message.messageId().toString().equals(m.getStanzaId()));
            assertThat(received.getBody()).isEqualTo("hello Carl");
        }
    }

    @Test
    void keepsTheOrderOfAConversation() throws Exception {
        UserId sender = UserId.of(unique("carol"));
        UserId recipient = UserId.of(unique("dave"));
        try (var dave = XmppTestClient.register(worker.ejabberd, recipient.localpart(), "daves-password")) {
            var ids = new java.util.ArrayList<String>();
            for (int i = 0; i < 20; i++) {
                var message = MessageAccepted.of(MessageId.random(), sender, recipient, "message " + i,
                        Instant.now(), null);
                ids.add(message.messageId().toString());
                RunningWorker.publish(Topics.MESSAGES, null, message.conversationId(), message);
            }

            dave.awaitMessage(DELIVERY_TIMEOUT, m -> ids.getLast().equals(m.getStanzaId()));
            assertThat(dave.received()).extracting(Message::getStanzaId).containsExactlyElementsOf(ids);
        }
    }

    @Test
    void neverDeliversAMessageCapturedFromXmppBackIntoIt() throws Exception {
        UserId sender = UserId.of(unique("erin"));
        UserId recipient = UserId.of(unique("frank"));
        // what capture writes when frank's client sent erin a message: already in XMPP
        var captured = MessageAccepted.captured(MessageId.random(), recipient, sender, "sent from my own client",
                Instant.now(), recipient.jid(worker.ejabberd.domain()) + "/phone");
        var answer = MessageAccepted.of(MessageId.random(), sender, recipient, "answered through the API",
                Instant.now(), null);
        try (var erin = XmppTestClient.register(worker.ejabberd, sender.localpart(), "erins-password");
             var frank = XmppTestClient.register(worker.ejabberd, recipient.localpart(), "franks-password")) {
            RunningWorker.publishAll(java.util.List.of(captured, answer));

            // the message after it in the conversation arrives, so the captured one was passed over, not held
            frank.awaitMessage(DELIVERY_TIMEOUT, m -> answer.messageId().toString().equals(m.getStanzaId()));
            assertThat(erin.received()).extracting(Message::getStanzaId).doesNotContain(captured.messageId().toString());
            assertThat(frank.received()).extracting(Message::getStanzaId)
                    .containsExactly(answer.messageId().toString());
        }
        TopicReader.awaitOne(Topics.DELIVERIES, r -> r.value().messageId().equals(answer.messageId()));
        assertThat(TopicRecords.readAll(Topics.DELIVERIES, r -> r.value().messageId().equals(captured.messageId())))
                .as("no outcome for a message that was never the worker's to deliver").isEmpty();
    }

    @Test
    void exposesHealthAndPrometheusMetrics() throws Exception {
        HttpResponse<String> health = get("/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"UP\"");

        HttpResponse<String> metrics = get("/actuator/prometheus");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
                .contains("chatpipe_worker_deliveries_total{backend=\"ejabberd-api\",outcome=\"accepted\"}")
                .contains("chatpipe_worker_deliveries_total{backend=\"ejabberd-api\",outcome=\"failed\"}")
                .contains("kafka_consumer_fetch_manager_records_consumed_total")
                // how late deliveries are, and how long the server takes to confirm them
                .contains("chatpipe_worker_delivery_lag_seconds_bucket{le=")
                .contains("chatpipe_worker_confirmations_seconds_count");
    }

    @Test
    void writesOutcomesAtOnceAndOnlyAsEveryReplicaHasThem() {
        // a conversation's next round waits for its outcomes to be written: a linger would be added to each round
        ProducerFactory<?, ?> outcomes = worker.context.getBean("deliveryProducerFactory", ProducerFactory.class);
        assertThat(outcomes.getConfigurationProperties())
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "0")
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Asks ejabberd itself, as an operator would with ejabberdctl check_account. */
    private boolean accountExists(String localpart) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(worker.ejabberd.apiUrl() + "/check_account"))
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"user\":\"" + localpart + "\",\"host\":\"" + worker.ejabberd.domain() + "\"}"))
                .header("Content-Type", "application/json")
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).body().trim().equals("0");
    }
}
