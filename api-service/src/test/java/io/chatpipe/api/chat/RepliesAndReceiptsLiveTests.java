package io.chatpipe.api.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.events.DeliveryAttempted;
import io.chatpipe.events.DeliveryAttempted.Outcome;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.testsupport.TopicRecords;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * What the XMPP side says comes back live: a reply an XMPP user wrote in a client of their own, and the
 * evidence that a message was stored, received and read, as capture writes them to chat.messages and
 * chat.deliveries of the real broker, reach the open sessions of both users.
 */
class RepliesAndReceiptsLiveTests {

    static ChatService service;

    @BeforeAll
    static void start() {
        service = ChatService.start();
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void aliceSeesHowFarHerMessageGotAndBobsReplyFromHisXmppClient() {
        String alice = ChatService.user("alice");
        String bob = ChatService.user("bob");
        try (ChatClient aliceHere = service.join(alice, "a");
             ChatClient aliceThere = service.join(alice, "a");
             ChatClient bobSocket = service.join(bob, "b")) {
            var sent = service.http().postJson("/api/v1/messages",
                    "{\"fromId\": \"" + alice + "\", \"toId\": \"" + bob + "\", \"message\": \"tea?\"}");
            assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
            String question = aliceHere.next("NEW_MESSAGE", alice).path("messageId").asString();
            MessageAccepted asked = MessageAccepted.of(MessageId.of(question), UserId.of(alice), UserId.of(bob),
                    "tea?", Instant.now(), null);

            for (Outcome evidence : List.of(Outcome.STORED, Outcome.RECEIVED, Outcome.READ)) {
                TopicRecords.write(Topics.DELIVERIES, asked.conversationId(), DeliveryAttempted.evidence(
                        asked.messageId(), asked.conversationId(), evidence, Instant.now()));
            }
            for (ChatClient session : List.of(aliceHere, aliceThere, bobSocket)) {
                assertThat(List.of(session.next("DELIVERY_STATUS"), session.next("DELIVERY_STATUS"),
                        session.next("DELIVERY_STATUS"))).allSatisfy(frame -> {
                            assertThat(frame.path("messageId").asString()).isEqualTo(question);
                            assertThat(frame.path("conversationId").asString())
                                    .isEqualTo(asked.conversationId().value());
                        })
                        .extracting(frame -> frame.path("status").asString())
                        .containsExactly("STORED", "RECEIVED", "READ");
            }

            String phone = bob + "@localhost/phone";
            MessageAccepted reply = MessageAccepted.captured(MessageId.forCapturedStanza(phone + "\u0000r-1"),
                    UserId.of(bob), UserId.of(alice), "yes, with milk", Instant.now().truncatedTo(ChronoUnit.MILLIS),
                    phone);
            TopicRecords.write(Topics.MESSAGES, reply.conversationId(), reply);

            for (ChatClient session : List.of(aliceHere, aliceThere, bobSocket)) {
                JsonNode frame = session.next("NEW_MESSAGE", bob);
                assertThat(frame.path("messageId").asString()).isEqualTo(reply.messageId().toString());
                assertThat(frame.path("to").asString()).isEqualTo(alice);
                assertThat(frame.path("content").asString()).isEqualTo("yes, with milk");
                assertThat(frame.path("conversationId").asString()).isEqualTo(reply.conversationId().value());
                assertThat(Instant.parse(frame.path("at").asString())).isEqualTo(reply.acceptedAt());
            }
        }
    }
}
