package io.chatpipe.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatpipe.events.DeliveryAttempted;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.events.WebhookDelivery;
import io.chatpipe.events.WebhookEndpoint;
import io.chatpipe.events.WebhookEvent;
import io.chatpipe.events.WebhookEventType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dispatcher on the real broker, sending to a real HTTP receiver started by the test. */
class WebhookDeliveryTests {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    private static RunningDispatcher dispatcher;

    @BeforeAll
    static void start() {
        // a short retry window, so that a failing endpoint's events reach the dead letters within the test
        dispatcher = RunningDispatcher.start("--chatpipe.webhooks.retry.give-up-after=3s");
    }

    @AfterAll
    static void stop() {
        dispatcher.close();
    }

    @Test
    void aCapturedReplyReachesItsEndpointOnceAsASignedMessageReceived() throws Exception {
        try (Receiver receiver = new Receiver()) {
            UserId alice = UserId.of(Chat.unique("alice"));
            UserId bob = UserId.of(Chat.unique("bob"));
            WebhookEndpoint endpoint = Chat.subscribe(receiver.url(), Set.of(WebhookEventType.MESSAGE_RECEIVED), Set.of(alice));

            // what alice sent over REST is not an event this endpoint asked for; bob's reply from XMPP is
            MessageAccepted sent = MessageAccepted.of(MessageId.random(), alice, bob, "hello bob", Instant.now(), null);
            MessageAccepted reply = Chat.captured(bob, alice, "hello <alice> & all");
            Chat.writeMessages(List.of(sent, reply));

            await().atMost(PATIENCE).until(() -> !receiver.accepted().isEmpty());
            Receiver.Request request = receiver.accepted().getFirst();
            assertThat(request.verifies(Chat.SECRET)).isTrue();
            assertThat(request.verifies("another secret of at least thirty-two characters")).isFalse();
            assertThat(request.eventId()).isEqualTo(WebhookEvent.of(reply).id()).isEqualTo(request.json().get("id"));
            assertThat(request.attempt()).isEqualTo(1);
            assertThat(request.json()).containsEntry("type", "message.received");
            assertThat(request.data()).containsEntry("messageId", reply.messageId().toString())
                    .containsEntry("fromId", bob.value()).containsEntry("toId", alice.value())
                    .containsEntry("message", "hello <alice> & all").containsEntry("source", "xmpp")
                    .containsEntry("senderJid", bob.jid("localhost") + "/phone");
            // the endpoint's events go in order: had the REST message been sent, it would have come first
            assertThat(receiver.requests()).hasSize(1);
        }
    }

    @Test
    void aReceiverDownForAWhileGetsEveryEventInOrderOnceBack() throws Exception {
        try (Receiver receiver = new Receiver()) {
            UserId carol = UserId.of(Chat.unique("carol"));
            UserId dave = UserId.of(Chat.unique("dave"));
            UserId erin = UserId.of(Chat.unique("erin"));
            WebhookEndpoint endpoint = Chat.subscribe(receiver.url(),
                    Set.of(WebhookEventType.MESSAGE_RECEIVED, WebhookEventType.MESSAGE_STATUS), Set.of(carol));
            receiver.status.set(503);

            List<MessageAccepted> replies = new ArrayList<>();
            IntStream.range(0, 20).forEach(i -> replies.add(Chat.captured(i % 2 == 0 ? dave : erin, carol, "reply " + i)));
            Chat.writeMessages(replies);
            MessageAccepted first = replies.getFirst();
            DeliveryAttempted read = DeliveryAttempted.evidence(first.messageId(), first.conversationId(),
                    DeliveryAttempted.Outcome.READ, Instant.now());
            Chat.write(Topics.DELIVERIES, first.conversationId(), read);

            await().atMost(PATIENCE).until(() -> receiver.requests().size() >= 4);
            receiver.status.set(200);

            List<String> expected = new ArrayList<>(replies.stream().map(reply -> WebhookEvent.of(reply).id()).toList());
            expected.add(WebhookEvent.of(read).orElseThrow().id());
            await().atMost(PATIENCE).untilAsserted(() ->
                    assertThat(receiver.acceptedIdsOnce()).hasSizeGreaterThanOrEqualTo(expected.size()));
            assertThat(receiver.acceptedIdsOnce()).containsExactlyInAnyOrderElementsOf(expected);
            // in order within each conversation (two conversations are two partitions, read side by side)
            for (UserId other : List.of(dave, erin)) {
                List<String> conversation = replies.stream().filter(reply -> reply.fromId().equals(other))
                        .map(reply -> WebhookEvent.of(reply).id()).toList();
                assertThat(receiver.acceptedIdsOnce()).filteredOn(conversation::contains)
                        .containsExactlyElementsOf(conversation);
            }
            assertThat(receiver.requests()).allMatch(request -> request.verifies(Chat.SECRET));
            // while the receiver was down, one event was tried again and again (the endpoint's queue waits behind
            // it), always with the same id and the attempt counted up, until it got through
            List<Receiver.Request> refused = receiver.requests().stream().filter(request -> request.answered() == 503).toList();
            assertThat(refused).hasSizeGreaterThanOrEqualTo(4);
            assertThat(refused).extracting(Receiver.Request::eventId).containsOnly(refused.getFirst().eventId());
            assertThat(refused).extracting(Receiver.Request::attempt)
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, refused.size()).boxed().toList());
            assertThat(receiver.accepted().getFirst().eventId()).isEqualTo(refused.getFirst().eventId());
            assertThat(receiver.accepted()).filteredOn(request -> request.eventId().equals(expected.getLast()))
                    .allSatisfy(request -> assertThat(request.data()).containsEntry("status", "read")
                            .containsEntry("messageId", first.messageId().toString()));
        }
    }

    @Test
    void aStatusGoesOutOnlyWhenItMovesItsMessageOn() throws Exception {
        try (Receiver receiver = new Receiver()) {
            UserId fay = UserId.of(Chat.unique("fay"));
            UserId gus = UserId.of(Chat.unique("gus"));
            Chat.subscribe(receiver.url(), Set.of(WebhookEventType.MESSAGE_STATUS), Set.of(fay));
            MessageAccepted first = MessageAccepted.of(MessageId.random(), fay, gus, "one", Instant.now(), null);
            MessageAccepted second = MessageAccepted.of(MessageId.random(), fay, gus, "two", Instant.now(), null);
            MessageAccepted third = MessageAccepted.of(MessageId.random(), fay, gus, "three", Instant.now(), null);
            Instant now = Instant.now();
            List<DeliveryAttempted> reports = List.of(
                    DeliveryAttempted.of(first, 1, DeliveryAttempted.Outcome.ACCEPTED, "ejabberd", null, now),
                    // capture's evidence of the same delivery: delivered again
                    evidence(first, DeliveryAttempted.Outcome.STORED),
                    evidence(first, DeliveryAttempted.Outcome.READ),
                    // a receipt after the read marker, and a late retry the server took again
                    evidence(first, DeliveryAttempted.Outcome.RECEIVED),
                    DeliveryAttempted.of(first, 2, DeliveryAttempted.Outcome.ACCEPTED, "ejabberd", null, now),
                    DeliveryAttempted.of(second, 1, DeliveryAttempted.Outcome.FAILED, "ejabberd", "no such user", now),
                    DeliveryAttempted.of(second, 1, DeliveryAttempted.Outcome.FAILED, "ejabberd", "no such user", now),
                    // last in the conversation: once its event is in, every report before it has been judged
                    DeliveryAttempted.of(third, 1, DeliveryAttempted.Outcome.ACCEPTED, "ejabberd", null, now));
            Chat.writeAll(Topics.DELIVERIES, reports.stream().map(report -> Map.entry(report.conversationId(), report))
                    .toList());

            String last = WebhookEvent.of(reports.getLast()).orElseThrow().id();
            await().atMost(PATIENCE).until(() -> receiver.accepted().stream()
                    .anyMatch(request -> request.eventId().equals(last)));
            assertThat(receiver.accepted()).extracting(request -> request.data().get("messageId") + " "
                    + request.data().get("status")).containsExactly(first.messageId() + " delivered",
                    first.messageId() + " read", second.messageId() + " failed", third.messageId() + " delivered");
        }
    }

    private static DeliveryAttempted evidence(MessageAccepted message, DeliveryAttempted.Outcome outcome) {
        return DeliveryAttempted.evidence(message.messageId(), message.conversationId(), outcome, Instant.now());
    }

    @Test
    void aPermanentlyFailingEndpointsEventsLandInItsDeadLettersAndReplayFromThere() throws Exception {
        try (Receiver receiver = new Receiver()) {
            UserId frank = UserId.of(Chat.unique("frank"));
            UserId grace = UserId.of(Chat.unique("grace"));
            WebhookEndpoint endpoint = Chat.subscribe(receiver.url(), Set.of(WebhookEventType.MESSAGE_RECEIVED), Set.of(frank));
            receiver.status.set(500);
            List<MessageAccepted> replies = List.of(Chat.captured(grace, frank, "one"), Chat.captured(grace, frank, "two"),
                    Chat.captured(grace, frank, "three"));
            Chat.writeMessages(replies);

            await().atMost(PATIENCE).until(() -> Chat.deadLetters(endpoint.id()).size() >= 3);
            List<WebhookDelivery> dead = Chat.deadLetters(endpoint.id());
            assertThat(dead).extracting(WebhookDelivery::eventId)
                    .containsExactlyElementsOf(replies.stream().map(reply -> WebhookEvent.of(reply).id()).toList());
            assertThat(dead).allSatisfy(letter -> assertThat(letter.error()).isEqualTo("HTTP 500"));
            // the first was retried for the whole window; those queued with it had used it up waiting behind it
            assertThat(dead.getFirst().attempts()).isGreaterThan(1);
            assertThat(receiver.accepted()).isEmpty();
            // the endpoint's state says so, where the api-service reads it
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(Chat.latestState(endpoint.id())).satisfies(state -> {
                assertThat(state.deadLetters()).isEqualTo(3);
                assertThat(state.lastFailure()).isEqualTo("HTTP 500");
                assertThat(state.lastSuccessAt()).isNull();
            }));

            receiver.status.set(200);
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + dispatcher.port() + "/api/v1/webhooks/" + endpoint.id() + "/replay"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).contains("\"replayed\":3");

            await().atMost(PATIENCE).until(() -> receiver.acceptedIdsOnce().size() >= 3);
            assertThat(receiver.acceptedIdsOnce()).containsExactlyElementsOf(dead.stream().map(WebhookDelivery::eventId).toList());
            assertThat(receiver.accepted()).allMatch(request -> request.verifies(Chat.SECRET));
        }
    }

    @Test
    void aPausedEndpointsEventsWaitAndGoOutSignedWithTheRotatedSecretOnceResumed() throws Exception {
        try (Receiver receiver = new Receiver()) {
            UserId judy = UserId.of(Chat.unique("judy"));
            UserId kim = UserId.of(Chat.unique("kim"));
            WebhookEndpoint endpoint = Chat.subscribe(receiver.url(), Set.of(WebhookEventType.MESSAGE_RECEIVED), Set.of(judy));
            Chat.write(Topics.WEBHOOKS, endpoint.id(), endpoint.withPaused(true));
            List<MessageAccepted> replies = List.of(Chat.captured(kim, judy, "one"), Chat.captured(kim, judy, "two"));
            Chat.writeMessages(replies);

            String rotated = "whsec-rotated-0123456789abcdefghijklmnopqrstuv";
            Chat.write(Topics.WEBHOOKS, endpoint.id(), endpoint.withSecret(rotated).withPaused(false));
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(receiver.acceptedIdsOnce()).hasSize(2));
            assertThat(receiver.acceptedIdsOnce())
                    .containsExactlyElementsOf(replies.stream().map(reply -> WebhookEvent.of(reply).id()).toList());
            // nothing went out while paused: every request was signed with the secret it was resumed with
            assertThat(receiver.requests()).allMatch(request -> request.verifies(rotated));
        }
    }

    @Test
    void aTimeRangeReplaysToALateSubscriberWhatWasWrittenBeforeIt() throws Exception {
        try (Receiver receiver = new Receiver()) {
            UserId lee = UserId.of(Chat.unique("lee"));
            UserId max = UserId.of(Chat.unique("max"));
            Instant before = Instant.now().minusSeconds(1);
            List<MessageAccepted> earlier = List.of(Chat.captured(max, lee, "before one"), Chat.captured(max, lee, "before two"));
            Chat.writeMessages(earlier);
            WebhookEndpoint endpoint = Chat.subscribe(receiver.url(), Set.of(WebhookEventType.MESSAGE_RECEIVED), Set.of(lee));
            MessageAccepted later = Chat.captured(max, lee, "after");
            Chat.writeMessages(List.of(later));
            await().atMost(PATIENCE).until(() -> !receiver.accepted().isEmpty());
            // registered after them: the earlier replies are not its events
            assertThat(receiver.acceptedIdsOnce()).containsExactly(WebhookEvent.of(later).id());

            HttpResponse<String> missingFrom = post("/api/v1/webhooks/" + endpoint.id() + "/replay-events");
            assertThat(missingFrom.statusCode()).isEqualTo(400);
            HttpResponse<String> answer = post("/api/v1/webhooks/" + endpoint.id() + "/replay-events?from=" + before);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.body()).contains("\"replayed\":3");

            List<String> all = new ArrayList<>(earlier.stream().map(reply -> WebhookEvent.of(reply).id()).toList());
            all.add(WebhookEvent.of(later).id());
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(receiver.acceptedIdsOnce()).hasSize(3));
            // a de-duplicating receiver: the one it had, then the two it had not, in the conversation's order
            assertThat(receiver.acceptedIdsOnce()).containsExactly(all.get(2), all.get(0), all.get(1));
            assertThat(receiver.accepted()).extracting(Receiver.Request::eventId).containsExactly(all.get(2),
                    all.get(0), all.get(1), all.get(2));
        }
    }

    private static HttpResponse<String> post(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dispatcher.port() + path))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aReplayOfAnUnknownEndpointIsNotFound() throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + dispatcher.port() + "/api/v1/webhooks/nobody/replay"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).contains("problem+json"));
    }
}
