package io.chatpipe.history.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.history.ChatTraffic;
import io.chatpipe.history.ChatTraffic.Sent;
import io.chatpipe.history.HistoryInstance;
import io.chatpipe.history.HistoryInstance.Answer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import tools.jackson.databind.JsonNode;

/**
 * Two history-service instances of one application share the partitions (apache/kafka's
 * StoreQueryIntegrationTest, over HTTP): each answers for the keys the other owns by forwarding, and while
 * the partitions move they answer 503 with Retry-After or the right answer, never a 500 or a wrong empty page.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HistoryAcrossInstancesTests {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final int CONVERSATIONS = 8;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final List<List<Sent>> conversations = new ArrayList<>();
    private ChatTraffic traffic;
    private HistoryInstance first;
    private HistoryInstance second;

    @BeforeAll
    void start(@TempDir Path firstState, @TempDir Path secondState) {
        traffic = new ChatTraffic();
        String applicationId = "history-across-" + run;
        first = HistoryInstance.start(applicationId, firstState);
        second = HistoryInstance.start(applicationId, secondState);
        // enough conversations that both instances own some
        for (int c = 0; c < CONVERSATIONS; c++) {
            UserId a = user("a" + c);
            UserId b = user("b" + c);
            conversations.add(IntStream.range(0, 3).mapToObj(i -> traffic.send(i % 2 == 0 ? a : b,
                    i % 2 == 0 ? b : a, "c" + a + " m" + i)).toList());
        }
    }

    @AfterAll
    void stop() {
        HistoryInstance.closeAll(first, second, traffic);
    }

    @Test
    @Order(1)
    void eachInstanceAnswersForTheConversationsTheOtherOwns() {
        Map<Integer, String> owners = awaitTwoOwners();
        assertThat(Set.copyOf(owners.values())).containsExactlyInAnyOrder(address(first), address(second));

        int forwarded = 0;
        for (List<Sent> conversation : conversations) {
            String owner = owners.get(conversation.getFirst().partition());
            for (HistoryInstance asked : List.of(first, second)) {
                Answer page = awaitComplete(asked, conversation);
                assertThat(page.messages()).extracting(m -> m.get("messageId").asString())
                        .containsExactlyElementsOf(conversation.stream().map(Sent::id).toList());
                assertThat(page.messages()).extracting(m -> m.get("partition").asInt())
                        .containsOnly(conversation.getFirst().partition());
                forwarded += owner.equals(address(asked)) ? 0 : 1;
            }
        }
        // every conversation was asked of both, so half the answers came from the other instance
        assertThat(forwarded).isEqualTo(CONVERSATIONS);
    }

    @Test
    @Order(2)
    void eachInstanceFindsMessagesAndInboxesWhereverTheyLive() {
        awaitTwoOwners();
        for (List<Sent> conversation : conversations) {
            Sent last = conversation.getLast();
            for (HistoryInstance asked : List.of(first, second)) {
                Answer found = await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
                        .until(() -> asked.get("/api/v1/messages/" + last.id()), answer -> answer.status() == 200);
                assertThat(found.json().get("offset").asLong()).isEqualTo(last.offset());

                JsonNode inbox = await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
                        .until(() -> asked.get("/api/v1/users/" + last.message().toId().value() + "/conversations"),
                                answer -> answer.status() == 200
                                        && answer.json().get("conversations").size() == 1)
                        .json().get("conversations").get(0);
                assertThat(inbox.get("lastMessage").get("messageId").asString()).isEqualTo(last.id());
            }
        }
    }

    @Test
    @Order(2)
    void eachInstanceMovesReadHorizonsOfConversationsTheOtherOwns() {
        Map<Integer, String> owners = awaitTwoOwners();
        for (HistoryInstance asked : List.of(first, second)) {
            // a conversation the asked instance does not own: the PUT is forwarded to the owner
            List<Sent> conversation = conversations.stream()
                    .filter(c -> !owners.get(c.getFirst().partition()).equals(address(asked)))
                    .findFirst().orElseThrow();
            Sent last = conversation.getLast();
            UserId reader = last.message().toId();
            awaitComplete(asked, conversation);

            Answer moved = asked.put(path(conversation).replace("/messages", "/read"),
                    "{\"userId\":\"" + reader.value() + "\",\"lastReadMessageId\":\"" + last.id() + "\"}");

            assertThat(moved.status()).isEqualTo(202);
            assertThat(moved.json().get("lastReadMessageId").asString()).isEqualTo(last.id());
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
                    .until(() -> asked.get("/api/v1/users/" + reader.value() + "/conversations"),
                            answer -> answer.status() == 200
                                    && answer.json().get("conversations").get(0).get("unreadCount").asInt() == 0);
        }
    }

    @Test
    @Order(4)
    void answersRetryLaterOrTheRightPageWhileAnInstanceLeavesAndComesBack() {
        Map<Integer, String> owners = awaitTwoOwners();
        List<Sent> ownedBySecond = conversations.stream()
                .filter(c -> owners.get(c.getFirst().partition()).equals(address(second)))
                .findFirst().orElseThrow();
        StreamsBuilderFactoryBean secondStreams = second.context().getBean(StreamsBuilderFactoryBean.class);

        secondStreams.stop();

        // the instance whose streams stopped cannot answer at all: it says so
        Answer stopped = second.get(path(ownedBySecond));
        assertThat(stopped.status()).isEqualTo(503);
        assertThat(stopped.retryAfter()).isEqualTo("1");
        assertThat(stopped.contentType()).startsWith("application/problem+json");

        // the other one answers 503 until it has taken the partitions over, then the whole conversation
        List<Answer> answers = new ArrayList<>();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).until(() -> {
            Answer answer = first.get(path(ownedBySecond));
            answers.add(answer);
            return answer.status() == 200;
        });
        assertThat(answers).allSatisfy(answer -> assertRetryLaterOrComplete(answer, ownedBySecond));

        secondStreams.start();
        answers.clear();
        awaitTwoOwners();
        for (List<Sent> conversation : conversations) {
            for (HistoryInstance asked : List.of(first, second)) {
                await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).until(() -> {
                    Answer answer = asked.get(path(conversation));
                    answers.add(answer);
                    return answer.status() == 200;
                });
            }
        }
        assertThat(answers).allSatisfy(answer -> assertThat(answer.status()).isIn(200, 503));
    }

    private static void assertRetryLaterOrComplete(Answer answer, List<Sent> conversation) {
        if (answer.status() == 503) {
            assertThat(answer.retryAfter()).isEqualTo("1");
        } else {
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.messages()).extracting(m -> m.get("messageId").asString())
                    .containsExactlyElementsOf(conversation.stream().map(Sent::id).toList());
        }
    }

    /** Waits until both instances run and each owns some partitions of chat.messages; partition to owner. */
    private Map<Integer, String> awaitTwoOwners() {
        return await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!running(first) || !running(second)) {
                return Map.<Integer, String>of();
            }
            Map<Integer, String> owners = new TreeMap<>();
            for (JsonNode instance : first.get("/api/v1/instances").json().get("instances")) {
                JsonNode partitions = instance.get("partitions").get(Topics.MESSAGES.name());
                if (partitions != null) {
                    partitions.forEach(p -> owners.put(p.asInt(), instance.get("address").asString()));
                }
            }
            return owners;
        }, owners -> owners.size() == 4 && owners.values().stream().collect(Collectors.toSet()).size() == 2);
    }

    private static boolean running(HistoryInstance instance) {
        KafkaStreams streams = instance.context().getBean(StreamsBuilderFactoryBean.class).getKafkaStreams();
        return streams != null && streams.state() == KafkaStreams.State.RUNNING;
    }

    private Answer awaitComplete(HistoryInstance asked, List<Sent> conversation) {
        return await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).until(() -> asked.get(path(conversation)),
                answer -> answer.status() == 200 && answer.messages().size() == conversation.size());
    }

    private static String path(List<Sent> conversation) {
        var message = conversation.getFirst().message();
        return "/api/v1/conversations/" + message.fromId().value() + "/" + message.toId().value() + "/messages";
    }

    private static String address(HistoryInstance instance) {
        return instance.baseUrl().substring("http://".length());
    }

    private UserId user(String name) {
        return UserId.of(name + "-" + run);
    }
}
