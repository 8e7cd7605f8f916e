package io.chatpipe.api.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.events.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

/**
 * The live feeds of an instance with no session open: it does not fetch the chat's messages at all, and a
 * session opened afterwards still gets every message sent once it is open, and none from long before.
 */
class LiveFeedTests {

    @Test
    void fetchesNoMessageWhileNoSessionIsOpenAndMissesNoneSentOnceOneIs() throws InterruptedException {
        try (ChatService service = ChatService.start("--chatpipe.api.chat.live-look-back=300ms")) {
            String alice = ChatService.user("alice");
            String bob = ChatService.user("bob");
            for (int i = 0; i < 20; i++) {
                send(service, alice, bob, "before " + i);
            }
            Thread.sleep(1_500);
            assertThat(fetched(service)).as("messages fetched with no session open").isZero();

            try (ChatClient bobSocket = service.join(bob, "b")) {
                send(service, alice, bob, "after");
                assertThat(bobSocket.next("NEW_MESSAGE").path("content").asString())
                        .as("the first message bob's new session sees")
                        .isEqualTo("after");
                assertThat(fetched(service)).isPositive();
            }

            Thread.sleep(1_000);
            double whenClosed = fetched(service);
            for (int i = 0; i < 5; i++) {
                send(service, alice, bob, "closed " + i);
            }
            Thread.sleep(1_000);
            assertThat(fetched(service)).as("messages fetched once the last session closed").isEqualTo(whenClosed);

            try (ChatClient again = service.join(bob, "b")) {
                send(service, alice, bob, "again");
                assertThat(again.next("NEW_MESSAGE").path("content").asString()).isEqualTo("again");
            }
        }
    }

    private static void send(ChatService service, String from, String to, String text) {
        var response = service.http().postJson("/api/v1/messages",
                "{\"fromId\": \"" + from + "\", \"toId\": \"" + to + "\", \"message\": \"" + text + "\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    private static double fetched(ChatService service) {
        return service.context().getBean(MeterRegistry.class).get("chatpipe.api.live.records.fetched")
                .tag("topic", Topics.MESSAGES.name()).counter().count();
    }
}
