package io.chatpipe.history.query;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.UserId;
import io.chatpipe.history.auth.Reader;
import io.chatpipe.history.topology.InboxEntry;
import io.chatpipe.history.topology.InboxStore;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * A user's conversations, the one with the newest message first, gathered from every partition: each conversation
 * lives in its own partition, and a user's are in any of them.
 */
@RestController
class InboxController {

    private final HistoryLocator locator;

    InboxController(HistoryLocator locator) {
        this.locator = locator;
    }

    @GetMapping("/api/v1/users/{userId}/conversations")
    ResponseEntity<?> conversations(@PathVariable String userId, HttpServletRequest request) {
        UserId user = ConversationController.user("userId", userId);
        Reader.of(request).requireUser(user);
        return locator.atEveryPartition(request, Inbox.class,
                inboxes -> new Inbox(user, inboxes.conversations(user).stream().map(InboxConversation::of).toList()),
                parts -> new Inbox(user, parts.stream().flatMap(part -> part.conversations().stream())
                        .sorted(InboxConversation.ORDER).toList()));
    }

    record Inbox(UserId userId, List<InboxConversation> conversations) {
    }

    /**
     * @param with          the other participant
     * @param lastMessageAt when the newest message was accepted
     * @param unreadCount   messages to the user after their read horizon (PUT .../read)
     */
    record InboxConversation(ConversationId conversationId, UserId with, HistoryMessage lastMessage,
            Instant lastMessageAt, int unreadCount) {

        /** As {@link InboxStore#ORDER}: the newest message first, then by conversation id. */
        static final Comparator<InboxConversation> ORDER = Comparator.comparing(InboxConversation::lastMessageAt)
                .reversed().thenComparing(conversation -> conversation.conversationId().value());

        static InboxConversation of(InboxEntry entry) {
            var last = entry.last();
            return new InboxConversation(entry.conversationId(), entry.with(), HistoryMessage.withoutStatus(last),
                    last.message().acceptedAt(), entry.unread());
        }
    }
}
