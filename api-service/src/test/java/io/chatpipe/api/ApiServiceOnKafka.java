package io.chatpipe.api;

import static io.chatpipe.api.ChatMessagesTopic.recordsInvolving;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.UserId;
import io.chatpipe.testsupport.KafkaBroker;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The api-service on a random port against the test JVM's real broker, a client for it, and two users of
 * each test's own, so that {@link #records()} says exactly what the test wrote. A test class that needs more
 * settings adds them with {@code @TestPropertySource(properties = ...)}; classes with the same settings share
 * one running service.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=api-service")
public abstract class ApiServiceOnKafka {

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", KafkaBroker::bootstrapServers);
    }

    @LocalServerPort
    protected int port;

    protected Http http;
    protected String alice;
    protected String bob;

    @BeforeEach
    void connectAsNewUsers() {
        http = Http.to(port);
        // users of their own in every test: chat.messages holds every test's messages
        String unique = UUID.randomUUID().toString().substring(0, 8);
        alice = "alice-" + unique;
        bob = "bob-" + unique;
    }

    /** Every record of chat.messages to or from this test's users. */
    protected List<ConsumerRecord<ConversationId, MessageAccepted>> records() {
        return recordsInvolving(KafkaBroker.bootstrapServers(), UserId.of(alice), UserId.of(bob));
    }

    /** An RFC 9457 problem body with this status. */
    protected static void assertProblem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(Http.json(response).path("status").asInt()).isEqualTo(status);
        assertThat(Http.json(response).path("detail").asString()).isNotBlank();
    }
}
