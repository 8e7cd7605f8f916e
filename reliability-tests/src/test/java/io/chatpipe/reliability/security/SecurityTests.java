package io.chatpipe.reliability.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.chatpipe.events.AccountRegistered;
import io.chatpipe.events.ChatJson;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.events.XmppPassword;
import io.chatpipe.reliability.TestStack;
import io.chatpipe.reliability.chaos.TopicRecords;
import io.chatpipe.supervisor.Service;
import io.chatpipe.testsupport.XmppTestClient;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Who may do what, against the real services (child JVMs with API keys required, as the local stack runs
 * them), and what must never leak: keys and passwords stay out of logs, URLs and topics; ejabberd's admin API
 * and the services answer loopback only.
 */
@Order(2)
class SecurityTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    static TestStack stack;
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    /** Secrets this class uses, so that the log check looks for them too. */
    static final List<String> usedSecrets = new ArrayList<>();
    /** One password per user across the tests: the first login creates the account with it. */
    static final String MALLORY = "mallory-" + UUID.randomUUID();

    @BeforeAll
    static void startTheStack() {
        stack = TestStack.shared();
    }

    @Test
    void writesWithoutAValidApiKeyAreRefused() throws Exception {
        String marker = "sec-unauth-" + UUID.randomUUID();
        String body = message("sec-alice", "sec-bob", marker);
        for (String authorization : new String[] {null, "Bearer wrong", "Basic " + base64("corpus:x"),
                "Bearer " + stack.corpusKey.secret().toUpperCase()}) {
            for (String path : List.of("/api/v1/message", "/api/v1/messages")) {
                HttpResponse<String> response = post(Service.API, path, body, authorization);
                assertThat(response.statusCode()).as("%s with %s", path, authorization).isEqualTo(401);
                assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            }
            assertThat(post(Service.API, "/api/v1/messages/batch", "{\"messages\":[" + body + "]}", authorization)
                    .statusCode()).isEqualTo(401);
        }
        assertThat(chatMessagesContaining(marker)).isZero();
    }

    @Test
    void aKeyLimitedToItsSendersCannotSendAsAnyoneElse() throws Exception {
        String key = stack.limitedKey.authorization();
        String mine = "sec-own-" + UUID.randomUUID();
        String forged = "sec-forged-" + UUID.randomUUID();
        assertThat(post(Service.API, "/api/v1/messages", message(TestStack.LIMITED_SENDER, "sec-bob", mine), key)
                .statusCode()).isEqualTo(202);
        // the same user however it is written: ids are case-folded
        assertThat(post(Service.API, "/api/v1/messages", message("SHOP-BOT", "sec-bob", mine + "-upper"), key)
                .statusCode()).isEqualTo(202);
        HttpResponse<String> asAlice = post(Service.API, "/api/v1/messages", message("sec-alice", "sec-bob", forged), key);
        assertThat(asAlice.statusCode()).isEqualTo(403);
        assertThat(asAlice.body()).doesNotContain(stack.limitedKey.secret());
        HttpResponse<String> batch = post(Service.API, "/api/v1/messages/batch", "{\"messages\":["
                + message(TestStack.LIMITED_SENDER, "sec-bob", mine + "-batch") + ","
                + message("sec-alice", "sec-bob", forged + "-batch") + "]}", key);
        assertThat(batch.statusCode()).isEqualTo(200);
        JsonNode results = ChatJson.MAPPER.readTree(batch.body()).path("results");
        assertThat(results.get(0).path("status").asInt()).isEqualTo(202);
        assertThat(results.get(1).path("status").asInt()).isEqualTo(403);
        assertThat(chatMessagesContaining(forged)).isZero();
        assertThat(chatMessagesContaining(mine)).isEqualTo(3);
    }

    @Test
    void aChatUserCannotSendAsAnotherOverTheWebSocket() throws Exception {
        String marker = "sec-ws-forged-" + UUID.randomUUID();
        try (Chat mallory = Chat.open(stack, login("sec-mallory", MALLORY), null)) {
            mallory.send(Map.of("messageType", "NEW_MESSAGE", "from", "sec-alice", "to", "sec-bob",
                    "content", marker));
            JsonNode answer = mallory.await(f -> f.path("messageType").asString().equals("ERROR")
                    || f.path("content").asString().contains(marker));
            assertThat(answer.path("messageType").asString()).isEqualTo("ERROR");
        }
        assertThat(chatMessagesContaining(marker)).isZero();
    }

    @Test
    void aChatUserReadsOnlyTheirOwnConversations() throws Exception {
        String secret = aliceTellsBob("alice tells bob " + UUID.randomUUID());
        try (Chat mallory = Chat.open(stack, login("sec-mallory", MALLORY), null)) {
            // asking for bob's history gives mallory her own conversation with bob, which is empty
            for (String to : List.of("sec-bob", "sec-alice")) {
                mallory.send(Map.of("messageType", "GET_HISTORY", "to", to));
                JsonNode history = mallory.await(f -> f.path("messageType").asString().equals("HISTORY")
                        || f.path("messageType").asString().equals("ERROR"));
                // a page, not an ERROR or UNAVAILABLE: the api-service reads history with its own key
                assertThat(history.path("messageType").asString()).as("%s", history).isEqualTo("HISTORY");
                assertThat(history.path("status").asString()).as("%s", history).isNotEqualTo("UNAVAILABLE");
                assertThat(history.path("messages").isArray()).as("%s", history).isTrue();
                assertThat(history.toString()).doesNotContain(secret);
            }
        }
        // without a login there is no socket to ask on
        try (Chat anonymous = Chat.open(stack, null, null)) {
            JsonNode answer = anonymous.await(f -> true);
            assertThat(answer.path("messageType").asString()).isEqualTo("FORBIDDEN");
        }
    }

    @Test
    void historyAnswersOnlyWithCredentialsAndAChatUserReadsOnlyTheirOwnConversations() throws Exception {
        String secret = aliceTellsBob("alice tells bob, history " + UUID.randomUUID());
        String theirs = "/api/v1/conversations/sec-alice/sec-bob/messages";
        assertThat(historyGet(theirs, null).statusCode()).isEqualTo(401);
        assertThat(historyGet(theirs, "Bearer not-a-key-" + UUID.randomUUID()).statusCode()).isEqualTo(401);

        login("sec-mallory", MALLORY);   // her account, as the chat page makes it
        String mallory = basic("sec-mallory", MALLORY);
        String hers = "/api/v1/conversations/sec-mallory/sec-bob/messages";
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> historyGet(hers, mallory).statusCode() == 200);
        HttpResponse<String> refused = historyGet(theirs, mallory);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).doesNotContain(secret);
        assertThat(historyGet("/api/v1/users/sec-alice/conversations", mallory).statusCode()).isEqualTo(403);
        assertThat(historyGet("/api/v1/audit/messages?from=2020-01-01T00:00:00Z&to=2030-01-01T00:00:00Z", mallory)
                .statusCode()).isEqualTo(403);
        assertThat(historyGet(hers, basic("sec-mallory", "not her password")).statusCode()).isEqualTo(401);
        // a key that may send only as shop-bot reads only shop-bot's conversations
        assertThat(historyGet(theirs, stack.limitedKey.authorization()).statusCode()).isEqualTo(403);
    }

    @Test
    void aWebSocketFromAnotherSitesPageIsRefused() throws Exception {
        String origin = "http://127.0.0.1:" + stack.port(Service.API);
        for (String other : List.of("http://evil.example", "null", "http://127.0.0.1:" + (stack.port(Service.API) + 1),
                "https://127.0.0.1:" + stack.port(Service.API))) {
            Throwable refused = catchThrowable(() -> Chat.open(stack, login("sec-dave", "dave-pw-1"), other));
            assertThat(handshakeStatus(refused)).as("the handshake from %s", other).isEqualTo(403);
        }
        try (Chat fromOurPage = Chat.open(stack, login("sec-dave", "dave-pw-1"), origin)) {
            assertThat(fromOurPage.await(f -> true).path("messageType").asString()).isEqualTo("JOIN_SUCCESS");
        }
    }

    @Test
    void passwordsAreStoredOnlyAsHashes() throws Exception {
        String password = "carols password " + UUID.randomUUID();
        login("sec-carol", password);
        assertThat(login("sec-carol", password)).isNotBlank();
        HttpResponse<String> wrong = post(Service.API, "/api/v1/sessions",
                "{\"username\":\"sec-carol\",\"password\":\"not it\"}", null);
        assertThat(wrong.statusCode()).isEqualTo(403);

        List<byte[]> raw = new ArrayList<>();
        AccountRegistered carol = null;
        for (var record : readTopic(Topics.ACCOUNTS.name())) {
            raw.add(record);
            AccountRegistered account = Topics.ACCOUNTS.values().deserializer().deserialize(Topics.ACCOUNTS.name(), record);
            if (account != null && account.userId().equals(UserId.of("sec-carol"))) {
                carol = account;
            }
        }
        assertThat(carol).as("sec-carol's account in chat.accounts").isNotNull();
        assertThat(carol.passwordHash()).startsWith("{bcrypt}$2").doesNotContain(password);
        for (byte[] record : raw) {
            assertThat(new String(record, StandardCharsets.UTF_8)).doesNotContain(password);
        }
    }

    @Test
    void noSecretAppearsInTheLogs() throws Exception {
        // make sure the worker has created accounts (and so used derived passwords) and a login happened
        String password = "erins password " + UUID.randomUUID();
        String token = login("sec-erin", password);
        try (Chat erin = Chat.open(stack, token, null)) {
            erin.await(f -> f.path("messageType").asString().equals("JOIN_SUCCESS"));
        }
        assertThat(post(Service.API, "/api/v1/messages", message("sec-frank", "sec-grace", "provision us"),
                stack.corpusKey.authorization()).statusCode()).isEqualTo(202);
        awaitInHistory("sec-frank", "sec-grace", "provision us");

        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("the corpus API key", stack.corpusKey.secret());
        secrets.put("the limited API key", stack.limitedKey.secret());
        secrets.put("the flood API key", stack.floodKey.secret());
        secrets.put("the worker's password key", stack.stack.passwordKey());
        byte[] key = Base64.getDecoder().decode(stack.stack.passwordKey());
        for (String user : List.of("sec-frank", "sec-grace", "corpus-a", "corpus-b")) {
            secrets.put("the XMPP password of " + user, XmppPassword.derive(key, UserId.of(user)));
        }
        secrets.put("a chat password", password);
        secrets.put("a chat password of the corpus", "corpus-ws-password");
        secrets.put("a used WebSocket token", token);
        usedSecrets.forEach(s -> secrets.put("a chat password of this class", s));

        List<Path> logs = new ArrayList<>(stack.stack.logFiles());
        try (Stream<Path> ejabberdLogs = Files.walk(stack.ejabberd.dataDir().resolve("logs"))) {
            ejabberdLogs.filter(Files::isRegularFile).forEach(logs::add);
        }
        assertThat(logs).isNotEmpty();
        for (Path log : logs) {
            String text = new String(Files.readAllBytes(log), StandardCharsets.ISO_8859_1);
            secrets.forEach((name, secret) -> assertThat(text).as("%s in %s", name, log).doesNotContain(secret));
        }
    }

    @Test
    void theSessionAnswerCarriesAOneUseTokenNotThePassword() throws Exception {
        String password = "heidis password " + UUID.randomUUID();
        HttpResponse<String> session = post(Service.API, "/api/v1/sessions",
                ChatJson.MAPPER.writeValueAsString(Map.of("username", "sec-heidi", "password", password)), null);
        assertThat(session.statusCode()).isEqualTo(201);
        assertThat(session.body()).doesNotContain(password);
        String token = ChatJson.MAPPER.readTree(session.body()).path("token").asString();
        assertThat(ChatJson.MAPPER.readTree(session.body()).path("webSocket").asString()).doesNotContain(password);
        try (Chat first = Chat.open(stack, token, null)) {
            assertThat(first.await(f -> true).path("messageType").asString()).isEqualTo("JOIN_SUCCESS");
        }
        try (Chat again = Chat.open(stack, token, null)) {
            assertThat(again.await(f -> true).path("messageType").asString()).isEqualTo("FORBIDDEN");
        }
    }

    @Test
    void ejabberdsAdminApiAndTheServicesAnswerLoopbackOnly() throws Exception {
        // the configuration as rendered for this ejabberd, by the script ./chatpipe run uses too
        List<String> config = Files.readAllLines(stack.ejabberd.dataDir().resolve("ejabberd.yml"));
        List<String> listen = section(config, "listen:");
        assertThat(listen).filteredOn(l -> l.strip().startsWith("module:")).hasSize(2);
        assertThat(listen).filteredOn(l -> l.strip().startsWith("ip:")).hasSize(2)
                .allSatisfy(ip -> assertThat(ip.strip()).isEqualTo("ip: \"127.0.0.1\""));
        assertThat(listen).anySatisfy(l -> assertThat(l).contains("/api: mod_http_api"));
        assertThat(section(config, "api_permissions:")).map(String::strip).containsSubsequence("who:", "ip: 127.0.0.0/8");

        int apiPort = URI.create(stack.ejabberd.apiUrl()).getPort();
        assertThat(reachable(InetAddress.getLoopbackAddress(), apiPort)).as("the admin API on loopback").isTrue();
        List<InetAddress> outside = nonLoopbackAddresses();
        assertThat(outside).as("this machine's addresses beyond loopback (hostname -I)").isNotEmpty();
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("ejabberd's admin API", apiPort);
        ports.put("XMPP c2s", stack.ejabberd.clientPort());
        for (Service service : stack.stack.settings().services()) {
            ports.put(service.module(), stack.port(service));
        }
        ports.put("Kafka", Integer.parseInt(stack.stack.kafkaBootstrap().substring(stack.stack.kafkaBootstrap()
                .lastIndexOf(':') + 1)));
        for (InetAddress address : outside) {
            ports.forEach((name, port) -> assertThat(reachable(address, port))
                    .as("%s at %s:%d", name, address.getHostAddress(), port).isFalse());
        }
    }

    // -------------------------------------------------------------------------------------------------

    /** The lines of a top-level section of a YAML file, up to the next top-level key. */
    private static List<String> section(List<String> yaml, String key) {
        int start = yaml.indexOf(key);
        assertThat(start).as("%s in ejabberd.yml", key).isNotNegative();
        List<String> lines = new ArrayList<>();
        for (String line : yaml.subList(start + 1, yaml.size())) {
            if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && !line.startsWith("#")) {
                break;
            }
            lines.add(line);
        }
        return lines;
    }

    /** The HTTP status of a refused WebSocket handshake somewhere in the failure's causes, or 0. */
    private static int handshakeStatus(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.net.http.WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
        }
        return 0;
    }

    private static boolean reachable(InetAddress address, int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2000);
            return true;
        } catch (ConnectException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** What {@code hostname -I} lists: this machine's addresses that are not loopback or link-local. */
    private static List<InetAddress> nonLoopbackAddresses() throws SocketException {
        List<InetAddress> addresses = new ArrayList<>();
        for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            nic.inetAddresses().filter(a -> !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                    .filter(a -> a instanceof Inet4Address).forEach(addresses::add);
        }
        return addresses;
    }

    static String login(String user, String password) throws Exception {
        usedSecrets.add(password);
        HttpResponse<String> response = post(Service.API, "/api/v1/sessions",
                ChatJson.MAPPER.writeValueAsString(Map.of("username", user, "password", password)), null);
        assertThat(response.statusCode()).as("login of %s: %s", user, response.body()).isEqualTo(201);
        return ChatJson.MAPPER.readTree(response.body()).path("token").asString();
    }

    static HttpResponse<String> post(Service service, String path, String body, String authorization) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(stack.stack.url(service, 0) + path)).timeout(TIMEOUT)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String message(String from, String to, String text) {
        return ChatJson.MAPPER.writeValueAsString(Map.of("fromId", from, "toId", to, "message", text));
    }

    /** Sends the text from sec-alice to sec-bob and returns it once history has it. */
    private static String aliceTellsBob(String text) throws Exception {
        assertThat(post(Service.API, "/api/v1/messages", message("sec-alice", "sec-bob", text),
                stack.corpusKey.authorization()).statusCode()).isEqualTo(202);
        awaitInHistory("sec-alice", "sec-bob", text);
        return text;
    }

    private static void awaitInHistory(String a, String b, String text) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> historyGet("/api/v1/conversations/" + a + "/" + b + "/messages",
                        stack.corpusKey.authorization()).body().contains(text));
    }

    private static HttpResponse<String> historyGet(String path, String authorization) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(stack.stack.url(Service.HISTORY, 0) + path)).timeout(TIMEOUT);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static long chatMessagesContaining(String text) {
        return TopicRecords.readAll(stack.stack.kafkaBootstrap(), Duration.ofMinutes(1)).stream()
                .filter(r -> r.message() != null && r.message().message().contains(text)).count();
    }

    private static List<byte[]> readTopic(String topic) {
        return io.chatpipe.testsupport.TopicRecords.readAll(stack.stack.kafkaBootstrap(), topic, TIMEOUT).stream()
                .map(ConsumerRecord::value).filter(Objects::nonNull).toList();
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A chat WebSocket through the JDK's client, as a well-behaved program would open it. */
    static final class Chat implements WebSocket.Listener, AutoCloseable {

        private final LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;

        static Chat open(TestStack stack, String token, String origin) {
            var chat = new Chat();
            var builder = http.newWebSocketBuilder().connectTimeout(TIMEOUT);
            if (origin != null) {
                builder.header("Origin", origin);
            }
            try {
                chat.socket = builder.buildAsync(URI.create("ws://127.0.0.1:" + stack.port(Service.API) + "/ws/chat"
                        + (token == null ? "" : "?token=" + token)), chat).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
            return chat;
        }

        void send(Map<String, String> frame) {
            socket.sendText(ChatJson.MAPPER.writeValueAsString(frame), true).join();
        }

        JsonNode await(java.util.function.Predicate<JsonNode> match) throws InterruptedException {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                JsonNode frame = frames.poll(1, TimeUnit.SECONDS);
                if (frame != null && match.test(frame)) {
                    return frame;
                }
            }
            throw new AssertionError("no matching frame within " + TIMEOUT);
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
