package io.chatpipe.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.UserId;
import io.chatpipe.testsupport.XmppServer;
import io.chatpipe.testsupport.XmppTestClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jivesoftware.smack.packet.Message;

/**
 * Many conversations' messages, interleaved as they would arrive: senders x recipients
 * conversations, each with its messages in order. All users are new, so the worker creates them, and
 * the recipients read what they got by logging in afterwards with their derived passwords.
 */
final class Backlog {

    final List<UserId> recipients = new ArrayList<>();

    final List<MessageAccepted> messages = new ArrayList<>();

    /** Each conversation's message ids, in the order sent. */
    final Map<ConversationId, List<String>> sent = new LinkedHashMap<>();

    Backlog(String name, int senders, int recipientCount, int perConversation) {
        List<UserId> from = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            from.add(UserId.of(RunningWorker.unique(name + "-s" + s)));
        }
        for (int r = 0; r < recipientCount; r++) {
            recipients.add(UserId.of(RunningWorker.unique(name + "-r" + r)));
        }
        for (int n = 0; n < perConversation; n++) {
            for (UserId sender : from) {
                for (UserId recipient : recipients) {
                    var message = MessageAccepted.of(MessageId.random(), sender, recipient, "message " + n,
                            Instant.now(), null);
                    messages.add(message);
                    sent.computeIfAbsent(message.conversationId(), c -> new ArrayList<>())
                            .add(message.messageId().toString());
                }
            }
        }
    }

    /**
     * Logs in as every recipient, waits until each has every message sent to them, and checks each
     * conversation's order: the first arrival of each message, in the order sent (a message arriving
     * twice, as at-least-once allows, has the same id). Returns how many arrived twice or more.
     */
    int assertEveryMessageArrivedInOrder(XmppServer server, Duration timeout) {
        int duplicates = 0;
        for (UserId recipient : recipients) {
            Map<ConversationId, List<String>> theirs = new LinkedHashMap<>();
            sent.forEach((conversation, ids) -> {
                if (conversation.involves(recipient)) {
                    theirs.put(conversation, ids);
                }
            });
            Set<String> expected = new LinkedHashSet<>();
            theirs.values().forEach(expected::addAll);
            try (var client = XmppTestClient.login(server, recipient.localpart(), RunningWorker.passwordOf(recipient))) {
                try {
                    await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> client.received().stream()
                            .map(Message::getStanzaId).collect(java.util.stream.Collectors.toSet()).containsAll(expected));
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    Set<String> missing = new LinkedHashSet<>(expected);
                    client.received().stream().map(Message::getStanzaId).forEach(missing::remove);
                    List<String> positions = new ArrayList<>();
                    theirs.forEach((conversation, ids) -> {
                        for (int i = 0; i < ids.size(); i++) {
                            if (missing.contains(ids.get(i))) {
                                positions.add(conversation + "#" + i);
                            }
                        }
                    });
                    throw new AssertionError(recipient + " got " + client.received().size() + " of " + expected.size()
                            + "; missing " + positions, e);
                }
                List<String> arrived = client.received().stream().map(Message::getStanzaId).toList();
                duplicates += arrived.size() - new LinkedHashSet<>(arrived).size();
                for (Map.Entry<ConversationId, List<String>> conversation : theirs.entrySet()) {
                    Set<String> ids = Set.copyOf(conversation.getValue());
                    List<String> firstArrivals = new ArrayList<>(new LinkedHashSet<>(
                            arrived.stream().filter(ids::contains).toList()));
                    assertThat(firstArrivals).as("conversation %s", conversation.getKey())
                            .containsExactlyElementsOf(conversation.getValue());
                }
            }
        }
        return duplicates;
    }
}
