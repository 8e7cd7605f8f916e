package io.chatpipe.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.UserId;
import io.chatpipe.events.WebhookEndpoint;
import io.chatpipe.events.WebhookEvent;
import io.chatpipe.events.WebhookEventType;
import io.chatpipe.testsupport.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A dispatcher killed -9 in the middle of an endpoint's backlog loses nothing: its successor sends the rest, in order. */
class DispatcherCrashTests {

    private static final int EVENTS = 300;

    @Test
    void aDispatcherKilledMidBacklogLosesNoEvent() throws Exception {
        Path logs = Files.createDirectories(Path.of("target", "dispatcher-crash"));
        // both dispatchers are the same deployment: one fan-out group, so the second goes on where the first stopped
        String[] arguments = RunningDispatcher.arguments();
        try (Receiver receiver = new Receiver()) {
            receiver.delayMillis.set(20);
            UserId henry = UserId.of(Chat.unique("henry"));
            UserId ivy = UserId.of(Chat.unique("ivy"));
            WebhookEndpoint endpoint = Chat.subscribe(receiver.url(), Set.of(WebhookEventType.MESSAGE_RECEIVED), Set.of(henry));
            List<MessageAccepted> replies = IntStream.range(0, EVENTS)
                    .mapToObj(i -> Chat.captured(i % 3 == 0 ? ivy : henry, i % 3 == 0 ? henry : ivy, "reply " + i))
                    .toList();
            List<String> expected = replies.stream().map(reply -> WebhookEvent.of(reply).id()).toList();

            try (var first = ServiceProcess.start(WebhookDispatcherApplication.class, logs.resolve("killed.log"), arguments)) {
                Chat.writeMessages(replies);
                await().atMost(Duration.ofMinutes(3)).until(() -> receiver.accepted().size() >= EVENTS / 6);
                first.kill();
            }
            int beforeRestart = receiver.acceptedIdsOnce().size();
            assertThat(beforeRestart).as("killed mid-backlog").isLessThan(EVENTS);

            try (var second = ServiceProcess.start(WebhookDispatcherApplication.class, logs.resolve("successor.log"),
                    arguments)) {
                await().atMost(Duration.ofMinutes(3)).untilAsserted(() ->
                        assertThat(receiver.acceptedIdsOnce()).hasSizeGreaterThanOrEqualTo(EVENTS));
            }
            // one conversation, both ways: every event, each once after de-duplication, in the conversation's order
            assertThat(receiver.acceptedIdsOnce()).containsExactlyElementsOf(expected);
            assertThat(receiver.accepted()).allMatch(request -> request.verifies(Chat.SECRET));
        }
    }
}
