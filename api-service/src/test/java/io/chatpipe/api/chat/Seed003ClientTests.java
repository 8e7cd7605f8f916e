package io.chatpipe.api.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.api.ChatMessagesTopic;
import io.chatpipe.events.UserId;
import io.chatpipe.testsupport.KafkaBroker;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seed 003's own React client against chatpipe, as the README runs it: the legacy path on, its page's origin
 * allowed. {@link Seed003Client} handles frames as that client's source does, so what it draws is what its
 * user would see.
 */
class Seed003ClientTests {

    static ChatService service;

    @BeforeAll
    static void start() {
        service = ChatService.start("--chatpipe.api.websocket.legacy-password-path=true",
                "--chatpipe.api.websocket.allowed-origins=" + Seed003Client.ORIGIN);
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void twoUsersChatBothWaysAndOneKeepsSendingAfterTheOtherLogsOut() {
        String alice = ChatService.user("alice").toLowerCase();
        String bob = ChatService.user("bob").toLowerCase();
        URI server = URI.create("ws://127.0.0.1:" + service.port());
        try (Seed003Client alices = new Seed003Client(server);
             Seed003Client bobs = new Seed003Client(server);
             Seed003Client bobsAgain = new Seed003Client(server)) {
            alices.logIn(alice, "alice-pw");
            alices.await("alice at /home", c -> "/home".equals(c.route()));
            bobs.logIn(bob, "bob-pw");
            bobs.await("bob at /home", c -> "/home".equals(c.route()));

            alices.addContact(bob);
            alices.await("bob among alice's contacts", c -> c.contacts().contains(bob));
            bobs.addContact(alice);
            bobs.await("alice among bob's contacts", c -> c.contacts().contains(alice));
            alices.select(bob);
            bobs.select(alice);

            alices.type("hello bob");
            bobs.await("bob sees alice's first", c -> c.received().contains("hello bob"));
            bobs.type("hello alice");
            alices.await("alice sees bob's answer", c -> c.received().contains("hello alice"));
            alices.type("how are you?");
            bobs.await("bob sees alice's second", c -> c.received().contains("how are you?"));

            bobs.logOut();
            // however chatpipe says so (seed 003's server says nothing), alice hears that bob went offline
            alices.await("alice told bob went offline", c -> c.frames().stream().anyMatch(f ->
                    bob.equals(f.path("from").asString()) && ("LEAVE".equals(f.path("messageType").asString())
                            || "offline".equals(f.path("content").asString()))));
            assertThat(alices.hasSocket()).as("a contact's logout is not alice's").isTrue();

            alices.type("are you there?");
            alices.await("chatpipe took alice's message", c -> c.frames().stream().filter(f ->
                    "DELIVERY_STATUS".equals(f.path("messageType").asString())
                            && "SENT".equals(f.path("status").asString())).count() == 3);
            assertThat(ChatMessagesTopic.recordsInvolving(KafkaBroker.bootstrapServers(), UserId.of(alice)))
                    .extracting(r -> r.value().message()).contains("are you there?");

            bobsAgain.logIn(bob, "bob-pw");
            bobsAgain.await("bob back at /home", c -> "/home".equals(c.route()));
            alices.await("alice told bob is back", c -> c.frames().stream().filter(f ->
                    bob.equals(f.path("from").asString()) && ("JOIN_SUCCESS".equals(f.path("messageType").asString())
                            || "online".equals(f.path("content").asString()))).count() >= 2);
            bobsAgain.select(alice);
            alices.type("welcome back");
            bobsAgain.await("bob sees alice's message after his return", c -> c.received().contains("welcome back"));
            bobsAgain.type("thanks");
            alices.await("alice sees bob's after his return", c -> c.received().contains("thanks"));
            // the last of each side's messages came before this one in the conversation's partition, so any copy of
            // them sent back to its sender would have arrived by now
            alices.type("bye");
            bobsAgain.await("bob sees alice's last", c -> c.received().contains("bye"));
            bobsAgain.type("bye alice");
            alices.await("alice sees bob's last", c -> c.received().contains("bye alice"));

            assertThat(alices.errors()).isEmpty();
            assertThat(bobs.errors()).isEmpty();
            assertThat(bobsAgain.errors()).isEmpty();
            assertThat(alices.loggedIn()).isTrue();
            assertThat(alices.username()).isEqualTo(alice);
            assertThat(alices.route()).isEqualTo("/home");
            assertThat(alices.framesOfType("JOIN_SUCCESS")).as("only alice's own login").isOne();
            assertThat(alices.framesOfType("LEAVE")).isZero();

            assertThat(alices.sent()).containsExactly("hello bob", "how are you?", "are you there?", "welcome back",
                    "bye");
            assertThat(alices.received()).as("each of bob's messages once, none of hers")
                    .containsExactly("hello alice", "thanks", "bye alice");
            assertThat(bobs.sent()).containsExactly("hello alice");
            assertThat(bobs.received()).containsExactly("hello bob", "how are you?");
            assertThat(bobs.loggedIn()).as("the logout button logged bob out").isFalse();
            assertThat(bobsAgain.sent()).containsExactly("thanks", "bye alice");
            assertThat(bobsAgain.received()).containsExactly("welcome back", "bye");
        }
    }

    @Test
    void aWrongPasswordShowsTheClientsAlert() {
        String carol = ChatService.user("carol").toLowerCase();
        URI server = URI.create("ws://127.0.0.1:" + service.port());
        try (Seed003Client first = new Seed003Client(server);
             Seed003Client wrong = new Seed003Client(server)) {
            first.logIn(carol, "right");
            first.await("carol at /home", c -> "/home".equals(c.route()));

            wrong.logIn(carol, "wrong");
            wrong.await("the alert", c -> "Invalid password".equals(c.alert()));
            assertThat(wrong.loggedIn()).isFalse();
            assertThat(wrong.route()).isEqualTo("/login");
            assertThat(wrong.errors()).isEmpty();
        }
    }
}
