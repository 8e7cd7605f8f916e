package io.chatpipe.api.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.api.Http;
import io.chatpipe.events.AccountRegistered;
import io.chatpipe.events.ConversationId;
import io.chatpipe.events.DeliveryAttempted;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.testsupport.TopicRecords;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import tools.jackson.databind.JsonNode;

/**
 * Two api-service instances on one broker, as a scaled-out deployment runs them: every session of a user
 * sees what concerns that user, whichever instance holds it and whichever way the message came in.
 */
class TwoInstancesTests {

    static ChatService a;
    static ChatService b;

    @BeforeAll
    static void start() {
        a = ChatService.start();
        b = ChatService.start();
    }

    @AfterAll
    static void stop() {
        b.close();
        a.close();
    }

    @Test
    void aMessageSentOverRestToOneInstanceReachesEverySessionOfTheRecipientOnBoth() {
        String alice = ChatService.user("alice");
        String bob = ChatService.user("bob");
        try (ChatClient bobOnB = b.join(bob, "pw");
             ChatClient bobOnA = a.join(bob, "pw")) {

            var sent = a.http().postJson("/api/v1/messages",
                    "{\"fromId\": \"" + alice + "\", \"toId\": \"" + bob + "\", \"message\": \"over REST\"}");
            assertThat(sent.statusCode()).isEqualTo(202);
            String messageId = Http.json(sent).path("messageId").asString();

            for (ChatClient session : new ChatClient[] {bobOnB, bobOnA}) {
                JsonNode received = session.next("NEW_MESSAGE");
                assertThat(received.path("from").asString()).isEqualTo(alice);
                assertThat(received.path("to").asString()).isEqualTo(bob);
                assertThat(received.path("content").asString()).isEqualTo("over REST");
                assertThat(received.path("messageId").asString()).isEqualTo(messageId);
            }
        }
    }

    @Test
    void aMessageSentOverWebSocketOnOneInstanceReachesTheSendersOtherSessionsAndTheSenderIsToldSent() {
        String carol = ChatService.user("carol");
        String dave = ChatService.user("dave");
        try (ChatClient carolOnA = a.join(carol, "pw");
             ChatClient carolAlsoOnA = a.join(carol, "pw");
             ChatClient carolOnB = b.join(carol, "pw");
             ChatClient daveOnB = b.join(dave, "pw")) {

            carolOnA.send(Map.of("to", dave, "content", "hi dave", "messageType", "NEW_MESSAGE",
                    "clientMessageId", "c-1"));

            JsonNode sent = carolOnA.next("DELIVERY_STATUS");
            assertThat(sent.path("status").asString()).isEqualTo("SENT");
            assertThat(sent.path("clientMessageId").asString()).isEqualTo("c-1");
            String messageId = sent.path("messageId").asString();
            for (ChatClient session : new ChatClient[] {daveOnB, carolOnB, carolAlsoOnA}) {
                JsonNode received = session.next("NEW_MESSAGE");
                assertThat(received.path("content").asString()).isEqualTo("hi dave");
                assertThat(received.path("messageId").asString()).isEqualTo(messageId);
            }
            // a later message of carol's other session proves the first's record has been read on A by now
            carolAlsoOnA.send(Map.of("to", dave, "content", "from the other tab", "messageType", "NEW_MESSAGE"));
            assertThat(carolOnA.next("NEW_MESSAGE").path("content").asString()).isEqualTo("from the other tab");
            assertThat(carolOnA.skipped()).as("the sending session never gets its own message back")
                    .noneMatch(frame -> frame.path("messageType").asString().equals("NEW_MESSAGE"));
        }
    }

    @Test
    void aSenderOnOneInstanceSeesHowFarHerRestMessageThroughTheOtherGotAndTheXmppUsersReply() {
        String alice = ChatService.user("alice");
        String bob = ChatService.user("bob");
        try (ChatClient aliceOnB = b.join(alice, "pw")) {
            var sent = a.http().postJson("/api/v1/messages",
                    "{\"fromId\": \"" + alice + "\", \"toId\": \"" + bob + "\", \"message\": \"tea?\"}");
            assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
            String question = Http.json(sent).path("messageId").asString();
            JsonNode own = aliceOnB.next("NEW_MESSAGE", alice);
            assertThat(own.path("messageId").asString()).isEqualTo(question);

            // what capture writes once bob's XMPP client has the message, has read it, and answers
            ConversationId conversation = ConversationId.between(UserId.of(alice), UserId.of(bob));
            for (DeliveryAttempted.Outcome evidence : List.of(DeliveryAttempted.Outcome.STORED,
                    DeliveryAttempted.Outcome.RECEIVED, DeliveryAttempted.Outcome.READ)) {
                TopicRecords.write(Topics.DELIVERIES, conversation,
                        DeliveryAttempted.evidence(MessageId.of(question), conversation, evidence, Instant.now()));
            }
            String phone = bob + "@localhost/phone";
            MessageAccepted reply = MessageAccepted.captured(MessageId.forCapturedStanza(phone + "\u0000r-1"),
                    UserId.of(bob), UserId.of(alice), "yes, with milk", Instant.now(), phone);
            TopicRecords.write(Topics.MESSAGES, reply.conversationId(), reply);

            assertThat(List.of(aliceOnB.next("DELIVERY_STATUS"), aliceOnB.next("DELIVERY_STATUS"),
                    aliceOnB.next("DELIVERY_STATUS")))
                    .allSatisfy(frame -> assertThat(frame.path("messageId").asString()).isEqualTo(question))
                    .extracting(frame -> frame.path("status").asString())
                    .containsExactly("STORED", "RECEIVED", "READ");
            JsonNode answer = aliceOnB.next("NEW_MESSAGE", bob);
            assertThat(answer.path("messageId").asString()).isEqualTo(reply.messageId().toString());
            assertThat(answer.path("to").asString()).isEqualTo(alice);
            assertThat(answer.path("content").asString()).isEqualTo("yes, with milk");
        }
    }

    @Test
    void contactsSeeAUserComeOnlineAndGoOfflineOnAnotherInstance() {
        String erin = ChatService.user("erin");
        String frank = ChatService.user("frank");
        try (ChatClient erinOnB = b.join(erin, "pw")) {
            erinOnB.send(Map.of("to", frank, "messageType", "ADD_CONTACT"));
            erinOnB.next("ADD_CONTACT");

            ChatClient frankOnA = a.join(frank, "pw");
            JsonNode online = erinOnB.next("PRESENCE", frank);
            assertThat(online.path("to").asString()).isEqualTo(erin);
            assertThat(online.path("content").asString()).isEqualTo("online");

            ChatClient secondTab = a.join(frank, "pw");
            frankOnA.close();
            secondTab.close();
            JsonNode offline = erinOnB.next("PRESENCE", frank);
            assertThat(offline.path("to").asString()).isEqualTo(erin);
            assertThat(offline.path("content").asString()).isEqualTo("offline");
            assertThat(erinOnB.skipped()).as("one online and one offline for two tabs")
                    .noneMatch(frame -> frank.equals(frame.path("from").asString()));
        }
    }

    @Test
    void aUserLoggingInSeesWhichContactsAreAlreadyOnline() {
        String grace = ChatService.user("grace");
        String heidi = ChatService.user("heidi");
        try (ChatClient heidiOnA = a.join(heidi, "pw");
             ChatClient graceOnB = b.join(grace, "pw")) {
            graceOnB.send(Map.of("to", heidi, "messageType", "ADD_CONTACT"));
            graceOnB.next("ADD_CONTACT");
            assertThat(graceOnB.next("PRESENCE", heidi).path("content").asString()).isEqualTo("online");

            try (ChatClient graceAgain = b.join(grace, "pw")) {
                JsonNode online = graceAgain.next("PRESENCE", heidi);
                assertThat(online.path("to").asString()).isEqualTo(grace);
                assertThat(online.path("content").asString()).isEqualTo("online");
            }
        }
    }

    @Test
    void deliveryOutcomesReachTheSendersSessions() {
        String ivan = ChatService.user("ivan");
        String judy = ChatService.user("judy");
        try (ChatClient ivanOnA = a.join(ivan, "pw");
             ChatClient ivanOnB = b.join(ivan, "pw")) {
            MessageAccepted message = MessageAccepted.of(MessageId.random(), UserId.of(ivan), UserId.of(judy), "hi",
                    Instant.now(), null);
            DeliveryAttempted delivered = DeliveryAttempted.of(message, 1, DeliveryAttempted.Outcome.ACCEPTED,
                    "ejabberd-api", null, Instant.now());

            TopicRecords.write(Topics.DELIVERIES, message.conversationId(), delivered);

            for (ChatClient session : new ChatClient[] {ivanOnA, ivanOnB}) {
                JsonNode status = session.next("DELIVERY_STATUS");
                assertThat(status.path("messageId").asString()).isEqualTo(message.messageId().toString());
                assertThat(status.path("status").asString()).isEqualTo("ACCEPTED");
                assertThat(status.path("conversationId").asString())
                        .isEqualTo(ConversationId.between(UserId.of(ivan), UserId.of(judy)).value());
            }
        }
    }

    @Test
    void everyInstanceKnowsEveryAccount() {
        String mallory = ChatService.user("mallory");
        try (ChatClient created = a.join(mallory, "right")) {
            assertThat(created.isClosed()).isFalse();
        }

        var wrongOnB = b.http().postJson("/api/v1/sessions",
                "{\"username\": \"" + mallory + "\", \"password\": \"wrong\"}");
        var rightOnB = b.http().postJson("/api/v1/sessions",
                "{\"username\": \"" + mallory + "\", \"password\": \"right\"}");

        assertThat(wrongOnB.statusCode()).isEqualTo(403);
        assertThat(rightOnB.statusCode()).isEqualTo(201);
        assertThat(Http.json(rightOnB).path("created").asBoolean()).isFalse();
    }

    @Test
    void twoFirstLoginsOfOneUserOnTwoInstancesMakeOneAccount() throws Exception {
        String oscar = ChatService.user("oscar");
        String body = "{\"username\": \"" + oscar + "\", \"password\": \"%s\"}";
        try (var executor = Executors.newFixedThreadPool(2)) {
            Future<HttpResponse<String>> onA = executor.submit(() -> a.http().postJson("/api/v1/sessions",
                    body.formatted("from A")));
            Future<HttpResponse<String>> onB = executor.submit(() -> b.http().postJson("/api/v1/sessions",
                    body.formatted("from B")));

            List<Integer> statuses = List.of(onA.get().statusCode(), onB.get().statusCode());
            assertThat(statuses).containsExactlyInAnyOrder(201, 403);
        }
        String winner = a.http().postJson("/api/v1/sessions", body.formatted("from A")).statusCode() == 201
                ? "from A" : "from B";
        assertThat(b.http().postJson("/api/v1/sessions", body.formatted(winner)).statusCode()).isEqualTo(201);

        var registrations = ChatSocketTests.AccountsTopic.registrationsOf(UserId.of(oscar));
        assertThat(registrations.getLast().passwordHash())
                .as("the latest record, which compaction keeps, is the winner")
                .isEqualTo(registrations.getFirst().passwordHash());
    }

    @Test
    void aLaterRegistrationOfAnExistingUserIsIgnoredEverywhere() {
        String peggy = ChatService.user("peggy");
        assertThat(a.http().postJson("/api/v1/sessions",
                "{\"username\": \"" + peggy + "\", \"password\": \"first\"}").statusCode()).isEqualTo(201);

        TopicRecords.write(Topics.ACCOUNTS, UserId.of(peggy), AccountRegistered.of(UserId.of(peggy),
                "{bcrypt}" + new BCryptPasswordEncoder().encode("second"), Instant.now()));
        try (ChatClient stillFirst = b.join(peggy, "first")) {
            assertThat(stillFirst.isClosed()).isFalse();
        }

        for (ChatService instance : new ChatService[] {a, b}) {
            assertThat(instance.http().postJson("/api/v1/sessions",
                    "{\"username\": \"" + peggy + "\", \"password\": \"second\"}").statusCode()).isEqualTo(403);
        }
    }

    @Test
    void usersOfAnInstanceThatStopsGoOfflineForTheirContacts() {
        String rupert = ChatService.user("rupert");
        String sybil = ChatService.user("sybil");
        try (ChatClient sybilOnA = a.join(sybil, "pw")) {
            sybilOnA.send(Map.of("to", rupert, "messageType", "ADD_CONTACT"));
            sybilOnA.next("ADD_CONTACT");

            ChatService third = ChatService.start();
            third.join(rupert, "pw");
            sybilOnA.next("PRESENCE", rupert);

            third.close();
            JsonNode offline = sybilOnA.next("PRESENCE", rupert);
            assertThat(offline.path("to").asString()).isEqualTo(sybil);
            assertThat(offline.path("content").asString()).isEqualTo("offline");
        }
    }
}
