package io.chatpipe.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;

class WebhookEventTests {

    private static final Instant AT = Instant.parse("2026-12-07T10:00:00Z");
    private static final MessageId ID = MessageId.forCapturedStanza("bob@localhost/phone\u0000o-1");

    @Test
    void aCapturedMessageIsMessageReceivedWithTheMessageAsHistoryShowsIt() {
        WebhookEvent event = WebhookEvent.of(MessageAccepted.captured(ID, UserId.of("bob"), UserId.of("alice"),
                "hello <back>", AT, "bob@localhost/phone"));

        Map<String, Object> body = ChatJson.MAPPER.readValue(event.body(), new TypeReference<>() { });
        assertThat(event.type()).isEqualTo(WebhookEventType.MESSAGE_RECEIVED);
        assertThat(body).containsEntry("id", event.id()).containsEntry("type", "message.received")
                .containsEntry("createdAt", "2026-12-07T10:00:00Z");
        assertThat((Map<String, Object>) body.get("data"))
                .containsEntry("messageId", ID.toString())
                .containsEntry("conversationId", "alice:bob")
                .containsEntry("fromId", "bob").containsEntry("toId", "alice")
                .containsEntry("message", "hello <back>")
                .containsEntry("source", "xmpp").containsEntry("senderJid", "bob@localhost/phone");
    }

    @Test
    void theSameRecordOrStatusIsTheSameEventIdEveryTime() {
        MessageAccepted message = MessageAccepted.of(ID, UserId.of("alice"), UserId.of("bob"), "hi", AT, null);
        assertThat(WebhookEvent.of(message).id()).isEqualTo(WebhookEvent.of(message).id());
        assertThat(WebhookEvent.of(message).type()).isEqualTo(WebhookEventType.MESSAGE_ACCEPTED);

        var accepted = DeliveryAttempted.of(message, 1, DeliveryAttempted.Outcome.ACCEPTED, "ejabberd-api", null, AT);
        var stored = DeliveryAttempted.evidence(ID, message.conversationId(), DeliveryAttempted.Outcome.STORED,
                AT.plusSeconds(1));
        var read = DeliveryAttempted.evidence(ID, message.conversationId(), DeliveryAttempted.Outcome.READ, AT);
        // both mean delivered: one event, whichever is reported (and however often)
        assertThat(WebhookEvent.of(accepted).orElseThrow().id()).isEqualTo(WebhookEvent.of(stored).orElseThrow().id());
        assertThat(WebhookEvent.of(read).orElseThrow().id()).isNotEqualTo(WebhookEvent.of(stored).orElseThrow().id());
        assertThat(WebhookEvent.of(read).orElseThrow().body()).contains("\"status\":\"read\"");
    }

    @Test
    void aRetryIsNoStatusEvent() {
        MessageAccepted message = MessageAccepted.of(ID, UserId.of("alice"), UserId.of("bob"), "hi", AT, null);
        assertThat(WebhookEvent.of(DeliveryAttempted.of(message, 1, DeliveryAttempted.Outcome.RETRYING, "smack",
                "refused", AT))).isEmpty();
    }

    @Test
    void anEndpointHearsItsTypesAboutItsUsersOnly() {
        WebhookEndpoint endpoint = new WebhookEndpoint(1, "e1", "shop", URI.create("https://example.com/hook"),
                "s".repeat(32), Set.of(WebhookEventType.MESSAGE_RECEIVED), Set.of(UserId.of("alice")), false, AT, null);
        WebhookEvent toAlice = WebhookEvent.of(MessageAccepted.captured(ID, UserId.of("bob"), UserId.of("alice"),
                "hi", AT, "bob@localhost/x"));
        WebhookEvent toCarol = WebhookEvent.of(MessageAccepted.captured(ID, UserId.of("bob"), UserId.of("carol"),
                "hi", AT, "bob@localhost/x"));

        assertThat(toAlice.isFor(endpoint)).isTrue();
        assertThat(toCarol.isFor(endpoint)).isFalse();
        assertThat(endpoint.toString()).doesNotContain("s".repeat(32));
    }

    @Test
    void signsAsStripeDoes() {
        // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog"), the known test vector
        assertThat(WebhookSignature.hmac("key", "The quick brown fox jumps over the lazy dog"))
                .isEqualTo("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
        assertThat(WebhookSignature.sign("key", 1700000000, "{}"))
                .isEqualTo("t=1700000000,v1=" + WebhookSignature.hmac("key", "1700000000.{}"));
    }

    @Test
    void refusesUrlsWithCredentialsOtherSchemesOrNoHost() {
        assertThatThrownBy(() -> EndpointGuard.parse("https://user:pw@example.com/hook"))
                .hasMessageContaining("credentials");
        assertThatThrownBy(() -> EndpointGuard.parse("ftp://example.com/hook")).hasMessageContaining("http");
        assertThatThrownBy(() -> EndpointGuard.parse("not a url")).isInstanceOf(RefusedEndpointException.class);
        assertThatThrownBy(() -> EndpointGuard.parse("https:///hook")).isInstanceOf(RefusedEndpointException.class);
    }

    @Test
    void refusesLoopbackPrivateAndLinkLocalUnlessAllowed() throws Exception {
        EndpointGuard strict = new EndpointGuard(false);
        for (String url : new String[] {"http://127.0.0.1:8080/", "http://localhost/", "http://10.1.2.3/",
                "http://192.168.0.1/", "http://169.254.169.254/latest", "http://[::1]/", "http://[fd00::1]/",
                "http://0.0.0.0/", "http://100.64.0.1/"}) {
            assertThatThrownBy(() -> strict.check(EndpointGuard.parse(url))).as(url)
                    .isInstanceOf(RefusedEndpointException.class).hasMessageContaining("private endpoints are not allowed");
        }
        new EndpointGuard(true).check(EndpointGuard.parse("http://127.0.0.1:8080/"));
        assertThat(EndpointGuard.privacy(InetAddress.getByName("93.184.215.14"))).isEmpty();
    }

    @Test
    void aDeliveryReadsBackFromItsTopic() {
        WebhookEvent event = WebhookEvent.of(MessageAccepted.captured(ID, UserId.of("bob"), UserId.of("alice"),
                "hi", AT, "bob@localhost/x"));
        var topic = Topics.webhookOutbox("e1");
        byte[] bytes = topic.values().serializer().serialize(topic.name(), WebhookDelivery.queued("e1", event));
        WebhookDelivery read = topic.values().deserializer().deserialize(topic.name(), bytes);
        assertThat(read.body()).isEqualTo(event.body());
        assertThat(read.type()).isEqualTo(WebhookEventType.MESSAGE_RECEIVED);
        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"type\":\"message.received\"");
    }
}
