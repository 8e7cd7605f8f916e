package io.chatpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatpipe.api.ApiServiceApplication;
import io.chatpipe.history.HistoryServiceApplication;
import io.chatpipe.testsupport.Ejabberd;
import io.chatpipe.testsupport.KafkaBroker;
import io.chatpipe.testsupport.XmppTestClient;
import io.chatpipe.worker.DeliveryWorkerApplication;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smackx.sid.element.OriginIdElement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.RestClient;

/**
 * Read this test first. It runs chatpipe's whole walking skeleton for real: a Kafka broker in KRaft
 * mode, a project-local ejabberd, and the three services (api-service, xmpp-delivery-worker,
 * history-service) wired together only through Kafka, exactly as {@code ./chatpipe run} starts them.
 *
 * <p>A user's view: an application POSTs a message; the recipient, logged in with an ordinary XMPP
 * client, receives it; and the history API returns the conversation, whichever way round it is asked.
 */
class EndToEndTests {

    @TempDir
    static Path stateDir;

    static final Ejabberd ejabberd = Ejabberd.shared();
    static ConfigurableApplicationContext api;
    static ConfigurableApplicationContext worker;
    static ConfigurableApplicationContext history;

    @BeforeAll
    static void startThePipeline() {
        String kafka = "--spring.kafka.bootstrap-servers=" + KafkaBroker.bootstrapServers();
        api = ApiServiceApplication.application().run("--server.port=0", kafka);
        worker = DeliveryWorkerApplication.application().run("--server.port=0", kafka,
                "--chatpipe.worker.xmpp-domain=" + ejabberd.domain(),
                "--chatpipe.worker.ejabberd.api-url=" + ejabberd.apiUrl());
        history = HistoryServiceApplication.application().run("--server.port=0", kafka,
                "--chatpipe.history.streams.state-dir=" + stateDir);
    }

    @AfterAll
    static void stopThePipeline() {
        for (var context : List.of(api, worker, history)) {
            if (context != null) {
                context.close();
            }
        }
    }

    @Test
    void postedMessageReachesTheRecipientsXmppClientAndTheHistory() {
        try (XmppTestClient bob = XmppTestClient.register(ejabberd, "bob", "bobs-own-password")) {

            // seed 000's call: an application posts a message from alice (who has no account yet) to bob
            Map<?, ?> accepted = client(api).post().uri("/api/v1/message")
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(Map.of("fromId", "alice", "toId", "bob", "message", "<b>&amp;"))
                    .retrieve().toEntity(Map.class)
                    .getBody();
            String messageId = (String) accepted.get("messageId");
            assertThat(accepted.get("conversationId")).isEqualTo("alice:bob");

            // bob's XMPP client receives it from alice's JID, body exactly as sent, ids for de-duplication
            Message received = bob.awaitMessage(Duration.ofSeconds(30), m -> messageId.equals(m.getStanzaId()));
            assertThat(received.getBody()).isEqualTo("<b>&amp;");
            assertThat(received.getFrom().asBareJid().toString()).isEqualTo("alice@localhost");
            assertThat(OriginIdElement.getOriginId(received).getId()).isEqualTo(messageId);

            // the history API returns the conversation, both ways round
            for (String path : List.of("/api/v1/conversations/alice/bob/messages",
                    "/api/v1/conversations/bob/alice/messages")) {
                // 503 + Retry-After while Kafka Streams is still starting: a client waits and asks again
                List<?> messages = await().atMost(Duration.ofSeconds(60))
                        .ignoreException(HttpServerErrorException.ServiceUnavailable.class).until(
                        () -> (List<?>) client(history).get().uri(path).retrieve().body(Map.class).get("messages"),
                        list -> !list.isEmpty());
                assertThat(messages).singleElement().satisfies(m -> {
                    Map<?, ?> message = (Map<?, ?>) m;
                    assertThat(message.get("messageId")).isEqualTo(messageId);
                    assertThat(message.get("fromId")).isEqualTo("alice");
                    assertThat(message.get("toId")).isEqualTo("bob");
                    assertThat(message.get("message")).isEqualTo("<b>&amp;");
                    assertThat(message.get("acceptedAt")).isNotNull();
                });
            }
        }
    }

    private static RestClient client(ConfigurableApplicationContext context) {
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        return RestClient.create("http://127.0.0.1:" + port);
    }
}
