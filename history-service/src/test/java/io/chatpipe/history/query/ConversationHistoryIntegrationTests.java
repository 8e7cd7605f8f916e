package io.chatpipe.history.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatpipe.events.DeliveryAttempted.Outcome;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.history.ChatTraffic;
import io.chatpipe.history.ChatTraffic.Sent;
import io.chatpipe.history.HistoryInstance;
import io.chatpipe.history.HistoryInstance.Answer;
import io.chatpipe.testsupport.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import tools.jackson.databind.JsonNode;

/**
 * One history-service on the real broker: what is produced to chat.messages, chat.deliveries and (through
 * the API) chat.reads comes back from its REST API, page by page.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConversationHistoryIntegrationTests {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private ChatTraffic traffic;
    private HistoryInstance history;

    @BeforeAll
    void start(@TempDir Path stateDir) {
        traffic = new ChatTraffic();
        history = HistoryInstance.start("history-tests-" + run, stateDir, "--chatpipe.history.query.max-limit=100");
        awaitReady();
    }

    @AfterAll
    void stop() {
        if (history != null) {
            history.close();
        }
        if (traffic != null) {
            traffic.close();
        }
    }

    @Test
    void returnsAConversationOldestFirstWhicheverUserIsNamedFirst() {
        UserId alice = user("alice");
        UserId bob = user("bob");
        List<Sent> sent = List.of(
                traffic.send(alice, bob, "hello bob"),
                traffic.send(bob, alice, "<b>&amp;"),
                traffic.send(alice, bob, "line one\nline two \"quoted\" ünïcødé 🙂"));

        List<JsonNode> aliceFirst = awaitPage(path(alice, bob), page -> page.messages().size() == 3).messages();
        List<JsonNode> bobFirst = history.get(path(bob, alice)).messages();

        for (List<JsonNode> answer : List.of(aliceFirst, bobFirst)) {
            assertThat(answer).hasSize(sent.size());
            for (int i = 0; i < sent.size(); i++) {
                MessageAccepted expected = sent.get(i).message();
                JsonNode actual = answer.get(i);
                assertThat(actual.properties()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder(
                        "messageId", "conversationId", "fromId", "toId", "message", "acceptedAt", "source",
                        "partition", "offset", "status");
                assertThat(actual.get("messageId").asString()).isEqualTo(expected.messageId().toString());
                assertThat(actual.get("conversationId").asString()).isEqualTo(expected.conversationId().value());
                assertThat(actual.get("fromId").asString()).isEqualTo(expected.fromId().value());
                assertThat(actual.get("toId").asString()).isEqualTo(expected.toId().value());
                assertThat(actual.get("message").asString()).isEqualTo(expected.message());
                assertThat(Instant.parse(actual.get("acceptedAt").asString())).isEqualTo(expected.acceptedAt());
                assertThat(actual.get("partition").asInt()).isEqualTo(sent.get(i).partition());
                assertThat(actual.get("offset").asLong()).isEqualTo(sent.get(i).offset());
                assertThat(actual.get("status").asString()).isEqualTo("accepted");
                assertThat(actual.get("source").asString()).isEqualTo("api");
            }
        }
        assertThat(bobFirst.get(1).get("message").asString()).isEqualTo("<b>&amp;");
    }

    @Test
    void foldsTheCaseOfUserIdsInTheQuery() {
        UserId carol = user("carol");
        UserId dave = user("dave");
        Sent message = traffic.send(carol, dave, "case does not matter");

        awaitPage(path(carol, dave), page -> page.messages().size() == 1);

        assertThat(history.get("/api/v1/conversations/" + dave.value().toUpperCase(Locale.ROOT) + "/"
                + carol.value().toUpperCase(Locale.ROOT) + "/messages").messages())
                .extracting(node -> node.get("messageId").asString())
                .containsExactly(message.id());
    }

    @Test
    void recordsAMessageProducedTwiceOnce() {
        UserId erin = user("erin");
        UserId frank = user("frank");
        Sent retried = traffic.send(erin, frank, "sent twice by a retrying producer");
        traffic.send(retried.message());
        Sent next = traffic.send(frank, erin, "the next one");

        Answer page = awaitPage(path(erin, frank), answer -> answer.messages().stream()
                .anyMatch(m -> m.get("messageId").asString().equals(next.id())));

        assertThat(page.messages()).extracting(node -> node.get("messageId").asString())
                .containsExactly(retried.id(), next.id());
    }

    @Test
    void skipsARecordItCannotReadAndKeepsRecording() throws Exception {
        UserId grace = user("grace");
        UserId heidi = user("heidi");
        MessageAccepted good = MessageAccepted.of(MessageId.random(), grace, heidi, "after the bad record",
                Instant.now(), null);
        var raw = new DefaultKafkaProducerFactory<String, byte[]>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());
        try {
            new KafkaTemplate<>(raw).send(Topics.MESSAGES.name(), good.conversationId().value(),
                    "{not json".getBytes(StandardCharsets.UTF_8)).get();
        } finally {
            raw.destroy();
        }
        traffic.send(good);

        assertThat(awaitPage(path(grace, heidi), page -> !page.messages().isEmpty()).bodies())
                .containsExactly("after the bad record");
    }

    @Test
    void answersAnUnknownConversationWithAnEmptyPageToPollFrom() {
        UserId ivan = user("ivan");
        UserId judy = user("judy");

        Answer empty = history.get(path(ivan, judy));

        assertThat(empty.status()).isEqualTo(200);
        assertThat(empty.messages()).isEmpty();
        assertThat(empty.json().get("nextCursor").isNull()).isTrue();
        String poll = empty.json().get("prevCursor").asString();

        traffic.send(ivan, judy, "first words");
        assertThat(awaitPage(path(ivan, judy) + "?after=" + poll, page -> !page.messages().isEmpty()).bodies())
                .containsExactly("first words");
    }

    @Test
    void answersAConversationThatFitsOnePageWithoutANextCursor() {
        UserId kim = user("kim");
        UserId lee = user("lee");
        List<Sent> sent = IntStream.range(0, 3).mapToObj(i -> traffic.send(kim, lee, "m" + i)).toList();

        Answer page = awaitPage(path(kim, lee) + "?limit=3", answer -> answer.messages().size() == 3);

        assertThat(page.bodies()).containsExactly("m0", "m1", "m2");
        assertThat(page.json().get("nextCursor").isNull()).isTrue();
        assertThat(page.json().get("prevCursor").isString()).isTrue();
        assertThat(history.get(path(kim, lee) + "?limit=3&after=" + page.json().get("prevCursor").asString())
                .messages()).isEmpty();
        assertThat(sent).hasSize(3);
    }

    @Test
    void pagesBackFromTheNewestWhileNewMessagesArrive() {
        UserId mallory = user("mallory");
        UserId nina = user("nina");
        IntStream.range(0, 5).forEach(i -> traffic.send(mallory, nina, "m" + i));

        Answer newest = awaitPage(path(mallory, nina) + "?limit=2",
                page -> page.bodies().equals(List.of("m3", "m4")));
        String head = newest.json().get("prevCursor").asString();

        Answer older = history.get(path(mallory, nina) + "?limit=2&before=" + next(newest));
        assertThat(older.bodies()).containsExactly("m1", "m2");

        // writes arriving while the client pages back move nothing it has not read yet
        traffic.send(nina, mallory, "n5");
        traffic.send(mallory, nina, "n6");
        awaitPage(path(mallory, nina) + "?limit=1", page -> page.bodies().equals(List.of("n6")));

        Answer oldest = history.get(path(mallory, nina) + "?limit=2&before=" + next(older));
        assertThat(oldest.bodies()).containsExactly("m0");
        assertThat(oldest.json().get("nextCursor").isNull()).isTrue();

        // and the client catches up on them from the head it saw first
        Answer caughtUp = history.get(path(mallory, nina) + "?limit=10&after=" + head);
        assertThat(caughtUp.bodies()).containsExactly("n5", "n6");
    }

    @Test
    void answersAPageAroundAMessage() {
        UserId olga = user("olga");
        UserId pete = user("pete");
        List<Sent> sent = IntStream.range(0, 7).mapToObj(i -> traffic.send(olga, pete, "m" + i)).toList();
        Sent elsewhere = traffic.send(olga, user("quinn"), "another conversation");
        awaitPage(path(olga, pete), page -> page.messages().size() == 7);

        assertThat(history.get(path(olga, pete) + "?limit=3&around=" + sent.get(3).id()).bodies())
                .containsExactly("m2", "m3", "m4");
        assertThat(history.get(path(olga, pete) + "?limit=4&around=" + sent.get(3).id()).bodies())
                .containsExactly("m2", "m3", "m4", "m5");
        Answer atTheStart = history.get(path(olga, pete) + "?limit=3&around=" + sent.get(0).id());
        assertThat(atTheStart.bodies()).containsExactly("m0", "m1", "m2");
        assertThat(atTheStart.json().get("nextCursor").isNull()).isTrue();
        assertThat(history.get(path(olga, pete) + "?limit=3&around=" + sent.get(6).id()).bodies())
                .containsExactly("m4", "m5", "m6");

        awaitPage(path(olga, user("quinn")), page -> page.messages().size() == 1);
        Answer foreign = history.get(path(olga, pete) + "?around=" + elsewhere.id());
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.contentType()).startsWith("application/problem+json");
        assertThat(history.get(path(olga, pete) + "?around=" + UUID.randomUUID()).status()).isEqualTo(404);
    }

    @Test
    void refusesBadLimitsAndCursorsWithProblemsNamingTheParameter() {
        String path = path(user("rita"), user("sam"));
        for (String query : List.of("?limit=0", "?limit=101", "?limit=ten", "?limit=-5")) {
            assertProblem(history.get(path + query), 400, "limit");
        }
        assertProblem(history.get(path + "?before=not-a-cursor"), 400, "before");
        assertProblem(history.get(path + "?after=%25%25"), 400, "after");
        assertProblem(history.get(path + "?around=not-a-uuid"), 400, "around");
        String cursor = history.get(path).json().get("prevCursor").asString();
        assertProblem(history.get(path + "?before=" + cursor + "&after=" + cursor), 400, "before");
    }

    @Test
    void showsEachMessagesDeliveryStatus() {
        UserId tom = user("tom");
        UserId uma = user("uma");
        Sent waiting = traffic.send(tom, uma, "waiting");
        Sent retrying = traffic.send(tom, uma, "retrying");
        Sent delivered = traffic.send(tom, uma, "delivered");
        Sent failed = traffic.send(tom, uma, "failed");
        traffic.report(retrying.message(), 1, Outcome.RETRYING, "ejabberd is down");
        traffic.report(delivered.message(), 1, Outcome.RETRYING, "ejabberd is down");
        traffic.report(delivered.message(), 2, Outcome.ACCEPTED, null);
        traffic.report(failed.message(), 1, Outcome.FAILED, "no such user");

        Answer page = awaitPage(path(tom, uma), answer -> answer.messages().size() == 4
                && answer.messages().getLast().get("status").asString().equals("failed")
                && answer.messages().get(2).get("status").asString().equals("delivered"));

        assertThat(page.messages()).extracting(m -> m.get("status").asString())
                .containsExactly("accepted", "retrying", "delivered", "failed");
        assertThat(waiting.id()).isEqualTo(page.messages().getFirst().get("messageId").asString());
    }

    @Test
    void answersWhereEachMessageCameFromAndHowFarItsRecipientGot() {
        UserId quinn = user("querida");
        UserId rosa = user("rosalind");
        Sent question = traffic.send(quinn, rosa, "tea?");
        Sent received = traffic.send(quinn, rosa, "with milk?");
        Sent reply = traffic.capture(rosa, quinn, "yes, with milk", rosa.value() + "@localhost/phone");
        Sent later = traffic.send(quinn, rosa, "on its way");
        traffic.report(question.message(), 1, Outcome.ACCEPTED, null);
        traffic.evidence(received.message(), Outcome.RECEIVED);
        traffic.evidence(later.message(), Outcome.STORED);
        awaitPage(path(quinn, rosa), answer -> answer.messages().size() == 4);
        Answer moved = history.put(readPath(quinn, rosa),
                "{\"userId\":\"" + rosa.value() + "\",\"lastReadMessageId\":\"" + question.id() + "\"}");
        assertThat(moved.status()).isEqualTo(202);

        Answer page = awaitPage(path(rosa, quinn), answer -> answer.messages().size() == 4
                && answer.messages().get(0).get("status").asString().equals("read")
                && answer.messages().get(3).get("status").asString().equals("delivered"));

        assertThat(page.messages()).extracting(m -> m.get("messageId").asString())
                .containsExactly(question.id(), received.id(), reply.id(), later.id());
        assertThat(page.messages()).extracting(m -> m.get("status").asString())
                .containsExactly("read", "received", "delivered", "delivered");
        assertThat(page.messages()).extracting(m -> m.get("source").asString())
                .containsExactly("api", "api", "xmpp", "api");
        assertThat(page.messages().get(2).get("senderJid").asString()).isEqualTo(rosa.value() + "@localhost/phone");
        assertThat(page.messages().get(0).has("senderJid")).isFalse();

        Answer found = history.get("/api/v1/messages/" + reply.id());
        assertThat(found.json().get("source").asString()).isEqualTo("xmpp");
        assertThat(found.json().get("senderJid").asString()).isEqualTo(rosa.value() + "@localhost/phone");
        JsonNode inbox = awaitInbox(quinn, conversations -> conversations.size() == 1);
        assertThat(inbox.get(0).get("unreadCount").asInt()).isOne();
        assertThat(awaitInbox(rosa, conversations -> conversations.size() == 1
                && conversations.getFirst().get("lastMessage").get("messageId").asString().equals(later.id()))
                .get(0).get("lastMessage").get("source").asString()).isEqualTo("api");
    }

    @Test
    void findsAMessageByItsId() {
        UserId vera = user("vera");
        UserId walt = user("walt");
        Sent sent = traffic.send(vera, walt, "find me");
        awaitPage(path(vera, walt), page -> page.messages().size() == 1);

        Answer found = history.get("/api/v1/messages/" + sent.id());

        assertThat(found.status()).isEqualTo(200);
        assertThat(found.json().get("message").asString()).isEqualTo("find me");
        assertThat(found.json().get("conversationId").asString()).isEqualTo(sent.message().conversationId().value());
        assertThat(found.json().get("offset").asLong()).isEqualTo(sent.offset());
        assertThat(history.get("/api/v1/messages/" + UUID.randomUUID()).status()).isEqualTo(404);
        assertProblem(history.get("/api/v1/messages/nope"), 400, "id");
    }

    @Test
    void countsUnreadMessagesUntilTheReaderMovesTheirHorizon() {
        UserId xena = user("xena");
        UserId yuri = user("yuri");
        UserId zoe = user("zoe");
        traffic.send(xena, yuri, "one");
        Sent two = traffic.send(xena, yuri, "two");
        traffic.send(yuri, xena, "a reply");
        traffic.send(xena, yuri, "three");
        Sent toZoe = traffic.send(zoe, yuri, "from zoe, newest");

        JsonNode inbox = awaitInbox(yuri, conversations -> conversations.size() == 2
                && conversations.getFirst().get("lastMessage").get("messageId").asString().equals(toZoe.id())
                && conversations.get(1).get("unreadCount").asInt() == 3);
        assertThat(inbox.get(0).get("with").asString()).isEqualTo(zoe.value());
        assertThat(inbox.get(0).get("unreadCount").asInt()).isEqualTo(1);
        assertThat(inbox.get(1).get("with").asString()).isEqualTo(xena.value());
        assertThat(inbox.get(1).get("lastMessage").get("message").asString()).isEqualTo("three");
        assertThat(Instant.parse(inbox.get(0).get("lastMessageAt").asString())).isEqualTo(toZoe.message().acceptedAt());

        Answer moved = history.put(readPath(xena, yuri),
                "{\"userId\":\"" + yuri.value() + "\",\"lastReadMessageId\":\"" + two.id() + "\"}");
        assertThat(moved.status()).isEqualTo(202);

        awaitInbox(yuri, conversations -> conversations.size() == 2
                && conversations.get(1).get("unreadCount").asInt() == 1);
        assertThat(awaitInbox(xena, conversations -> conversations.size() == 1).get(0).get("unreadCount").asInt())
                .isEqualTo(1);
    }

    @Test
    void refusesAReadHorizonThatIsNotTheReadersOrNotInTheConversation() {
        UserId amy = user("amy");
        UserId ben = user("ben");
        Sent elsewhere = traffic.send(amy, user("cid"), "elsewhere");
        traffic.send(amy, ben, "here");
        awaitPage(path(amy, ben), page -> page.messages().size() == 1);
        awaitPage(path(amy, user("cid")), page -> page.messages().size() == 1);

        assertProblem(history.put(readPath(amy, ben),
                "{\"userId\":\"" + user("cid").value() + "\",\"lastReadMessageId\":\"" + elsewhere.id() + "\"}"),
                400, "userId");
        assertProblem(history.put(readPath(amy, ben),
                "{\"userId\":\"" + ben.value() + "\",\"lastReadMessageId\":\"x\"}"), 400, "lastReadMessageId");
        Answer foreign = history.put(readPath(amy, ben),
                "{\"userId\":\"" + ben.value() + "\",\"lastReadMessageId\":\"" + elsewhere.id() + "\"}");
        assertThat(foreign.status()).isEqualTo(404);
    }

    @Test
    void refusesAnInvalidUserIdWithAProblemNamingThePathVariable() {
        assertProblem(history.get("/api/v1/conversations/alice/%20/messages"), 400, "userB");
        assertProblem(history.get("/api/v1/conversations/al%01ce/bob/messages"), 400, "userA");
        assertProblem(history.get("/api/v1/users/%20/conversations"), 400, "userId");
    }

    @Test
    void refusesAnInboxPartRequestThatNamesNoPartitionsWithAProblem() {
        for (String partitions : List.of("one", "1,,2", "-1")) {
            assertProblem(history.get("/api/v1/users/alice/conversations", "X-Chatpipe-Forwarded-By", "127.0.0.1:1",
                    "X-Chatpipe-Partitions", partitions), 400, "X-Chatpipe-Partitions");
        }
    }

    @Test
    void showsWhichPartitionsThisInstanceOwns() {
        JsonNode instances = history.get("/api/v1/instances").json();

        assertThat(instances.get("state").asString()).isEqualTo("RUNNING");
        assertThat(instances.get("self").asString()).isEqualTo(history.baseUrl().substring("http://".length()));
        assertThat(instances.get("instances").valueStream().toList()).singleElement().satisfies(instance -> {
            assertThat(instance.get("self").asBoolean()).isTrue();
            assertThat(instance.get("partitions").get(Topics.MESSAGES.name()).valueStream().map(JsonNode::asInt))
                    .containsExactly(0, 1, 2, 3);
        });
    }

    @Test
    void exposesHealthAndPrometheusMetrics() {
        Answer health = history.get("/actuator/health");
        Answer prometheus = history.get("/actuator/prometheus");

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asString()).isEqualTo("UP");
        assertThat(prometheus.status()).isEqualTo(200);
        assertThat(prometheus.body()).contains("jvm_memory_used_bytes");
    }

    private static void assertProblem(Answer answer, int status, String field) {
        assertThat(answer.status()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.json().get("status").asInt()).isEqualTo(status);
        assertThat(answer.json().get("field").asString()).isEqualTo(field);
        assertThat(answer.json().get("detail").asString()).contains(field);
    }

    private UserId user(String name) {
        return UserId.of(name + "-" + run);
    }

    private static String path(UserId a, UserId b) {
        return "/api/v1/conversations/" + a.value() + "/" + b.value() + "/messages";
    }

    private static String readPath(UserId a, UserId b) {
        return "/api/v1/conversations/" + a.value() + "/" + b.value() + "/read";
    }

    private static String next(Answer page) {
        return page.json().get("nextCursor").asString();
    }

    private Answer awaitPage(String path, Predicate<Answer> done) {
        return await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
                .until(() -> history.get(path), answer -> answer.status() == 200 && done.test(answer));
    }

    private JsonNode awaitInbox(UserId user, Predicate<List<JsonNode>> done) {
        return await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
                .until(() -> history.get("/api/v1/users/" + user.value() + "/conversations"),
                        answer -> answer.status() == 200
                                && done.test(answer.json().get("conversations").valueStream().toList()))
                .json().get("conversations");
    }

    private void awaitReady() {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
                .until(() -> history.get("/api/v1/conversations/ready/check/messages").status() == 200);
    }
}
