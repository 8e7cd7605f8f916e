package io.chatpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatpipe.api.ApiServiceApplication;
import io.chatpipe.capture.CaptureApplication;
import io.chatpipe.events.ChatJson;
import io.chatpipe.history.HistoryServiceApplication;
import io.chatpipe.testsupport.Ejabberd;
import io.chatpipe.testsupport.KafkaBroker;
import io.chatpipe.testsupport.XmppTestClient;
import io.chatpipe.worker.DeliveryWorkerApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jivesoftware.smack.packet.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;

/**
 * The conversation both ways, as its two people see it: alice in chatpipe's WebSocket chat, bob in an ordinary
 * XMPP client of his own (Smack, logged in as himself on the real ejabberd, whose archive is in PostgreSQL).
 * bob receives alice's message, sends a receipt and a displayed marker as clients like Conversations do, and
 * answers twice. Capture reads his answers and markers from ejabberd's archive into Kafka; alice's WebSocket
 * shows them live, and the history shows both directions in one order, her message read.
 */
class ConversationEndToEndTests {

    @TempDir
    static Path stateDir;

    static final Ejabberd ejabberd = Ejabberd.shared();
    static ConfigurableApplicationContext api;
    static ConfigurableApplicationContext worker;
    static ConfigurableApplicationContext history;
    static ConfigurableApplicationContext capture;

    @BeforeAll
    static void startThePipeline() {
        String kafka = "--spring.kafka.bootstrap-servers=" + KafkaBroker.bootstrapServers();
        api = ApiServiceApplication.application().run("--server.port=0", kafka);
        worker = DeliveryWorkerApplication.application().run("--server.port=0", kafka,
                "--chatpipe.worker.xmpp-domain=" + ejabberd.domain(),
                "--chatpipe.worker.ejabberd.api-url=" + ejabberd.apiUrl(),
                "--chatpipe.worker.ejabberd.confirm-by=archive");
        history = HistoryServiceApplication.application().run("--server.port=0", kafka,
                "--chatpipe.history.streams.state-dir=" + stateDir);
        capture = CaptureApplication.application().run("--server.port=0", kafka,
                "--chatpipe.capture.xmpp-domain=" + ejabberd.domain(),
                "--chatpipe.capture.archive.host=" + ejabberd.archive().host(),
                "--chatpipe.capture.archive.port=" + ejabberd.archive().port(),
                "--chatpipe.capture.archive.user=" + ejabberd.archive().captureUser(),
                "--chatpipe.capture.archive.password=" + ejabberd.archive().capturePassword());
    }

    @AfterAll
    static void stopThePipeline() {
        for (var context : List.of(capture, api, worker, history)) {
            if (context != null) {
                context.close();
            }
        }
    }

    @Test
    void anXmppUsersReceiptMarkerAndRepliesReachTheSendersWebSocketAndTheHistory() throws Exception {
        try (XmppTestClient bob = XmppTestClient.register(ejabberd, "bob2way", "bobs-own-password");
             var alice = ChatSocket.open(api, "alice2way", "alices-password")) {

            String messageId = (String) client(api).post().uri("/api/v1/message")
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(Map.of("fromId", "alice2way", "toId", "bob2way", "message", "are you there?"))
                    .retrieve().body(Map.class).get("messageId");

            // bob's own client receives it, and answers as clients do: a receipt, a displayed marker, replies
            Message received = bob.awaitMessage(Duration.ofSeconds(30), m -> messageId.equals(m.getStanzaId()));
            String aliceJid = received.getFrom().asBareJid().toString();
            bob.sendReceipt(aliceJid, messageId);
            bob.sendDisplayed(aliceJid, messageId);
            bob.sendChat(aliceJid, "yes, on my phone", "bob-reply-1");
            bob.sendChat(aliceJid, "what's up? <b>&", "bob-reply-2");

            // alice's WebSocket: the replies live, from bob; her message's status up to read
            JsonNode second = alice.awaitFrame(f -> f.path("messageType").asString().equals("NEW_MESSAGE")
                    && f.path("content").asString().equals("what's up? <b>&"));
            assertThat(second.path("from").asString()).isEqualTo("bob2way");
            assertThat(alice.frames()).anySatisfy(f -> {
                assertThat(f.path("messageType").asString()).isEqualTo("NEW_MESSAGE");
                assertThat(f.path("content").asString()).isEqualTo("yes, on my phone");
            });
            alice.awaitFrame(f -> f.path("messageType").asString().equals("DELIVERY_STATUS")
                    && f.path("messageId").asString().equals(messageId) && f.path("status").asString().equals("READ"));

            // the history, either way round: both directions in one order, alice's message read
            for (String path : List.of("/api/v1/conversations/alice2way/bob2way/messages",
                    "/api/v1/conversations/bob2way/alice2way/messages")) {
                List<Map<?, ?>> messages = await().atMost(Duration.ofSeconds(60))
                        .ignoreException(HttpServerErrorException.ServiceUnavailable.class).until(
                        () -> messages(path),
                        list -> list.size() == 3 && "read".equals(list.getFirst().get("status")));
                assertThat(messages).extracting(m -> (Object) m.get("message"))
                        .containsExactly("are you there?", "yes, on my phone", "what's up? <b>&");
                assertThat(messages).extracting(m -> (Object) m.get("fromId"))
                        .containsExactly("alice2way", "bob2way", "bob2way");
                assertThat(messages).extracting(m -> (Object) m.get("source"))
                        .containsExactly("api", "xmpp", "xmpp");
            }

            // bob's client got alice's message once: the replies captured from XMPP are not delivered back
            assertThat(bob.received()).filteredOn(m -> m.getBody() != null).extracting(Message::getBody)
                    .containsExactly("are you there?");
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<?, ?>> messages(String path) {
        return (List<Map<?, ?>>) client(history).get().uri(path).retrieve().body(Map.class).get("messages");
    }

    private static RestClient client(ConfigurableApplicationContext context) {
        return RestClient.create("http://127.0.0.1:" + port(context));
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    /** alice's chat WebSocket, opened as the chat page does: log in, then open with the one-time token. */
    private static final class ChatSocket implements WebSocket.Listener, AutoCloseable {

        private final List<JsonNode> frames = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;

        static ChatSocket open(ConfigurableApplicationContext api, String user, String password) throws Exception {
            Map<?, ?> session = client(api).post().uri("/api/v1/sessions").contentType(MediaType.APPLICATION_JSON)
                    .body(Map.of("username", user, "password", password)).retrieve().body(Map.class);
            var chat = new ChatSocket();
            chat.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + port(api) + session.get("webSocket")), chat)
                    .get();
            chat.awaitFrame(f -> f.path("messageType").asString().equals("JOIN_SUCCESS"));
            return chat;
        }

        JsonNode awaitFrame(java.util.function.Predicate<JsonNode> match) {
            return await().atMost(Duration.ofSeconds(60)).until(
                    () -> frames.stream().filter(match).findFirst(), java.util.Optional::isPresent).orElseThrow();
        }

        List<JsonNode> frames() {
            return List.copyOf(frames);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(ChatJson.MAPPER.readTree(partial.toString()));
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void close() {
            socket.abort();
        }
    }
}
