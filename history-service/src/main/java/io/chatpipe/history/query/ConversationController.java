package io.chatpipe.history.query;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.InvalidIdException;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.ReadHorizonMoved;
import io.chatpipe.events.UserId;
import io.chatpipe.history.auth.Reader;
import io.chatpipe.history.config.HistoryProperties;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The messages of a direct conversation, the same whichever of its two users is named first. */
@RestController
@RequestMapping("/api/v1/conversations/{userA}/{userB}")
class ConversationController {

    private final HistoryLocator locator;
    private final ReadHorizonPublisher reads;
    private final HistoryProperties.Query query;

    ConversationController(HistoryLocator locator, ReadHorizonPublisher reads, HistoryProperties properties) {
        this.locator = locator;
        this.reads = reads;
        this.query = properties.query();
    }

    /**
     * A page of the conversation: the newest by default, or the one before or after a cursor, or around a
     * message. Answered by the instance that owns the conversation's partition.
     */
    @GetMapping("/messages")
    ResponseEntity<?> messages(@PathVariable String userA, @PathVariable String userB,
            @RequestParam(required = false) String limit, @RequestParam(required = false) String before,
            @RequestParam(required = false) String after, @RequestParam(required = false) String around,
            HttpServletRequest request) {
        ConversationId conversation = ConversationId.between(user("userA", userA), user("userB", userB));
        Reader.of(request).requireConversation(conversation);
        PageRequest page = PageRequest.parse(limit, before, after, around, query);
        return locator.atConversation(conversation, request, null,
                store -> ResponseEntity.ok(page.read(store, conversation)));
    }

    /**
     * Moves a participant's read horizon to a message of the conversation, through chat.reads. Accepted once
     * Kafka has the event; unread counts follow as history folds it in.
     */
    @PutMapping("/read")
    ResponseEntity<?> read(@PathVariable String userA, @PathVariable String userB,
            @RequestBody(required = false) ReadRequest body, HttpServletRequest request) {
        ConversationId conversation = ConversationId.between(user("userA", userA), user("userB", userB));
        if (body == null) {
            throw new BadQueryException("body", "expected {\"userId\", \"lastReadMessageId\"}");
        }
        UserId reader = user("userId", body.userId());
        if (!conversation.involves(reader)) {
            throw new BadQueryException("userId", "is not part of conversation " + conversation);
        }
        Reader.of(request).requireUser(reader);
        MessageId lastRead = messageId(body.lastReadMessageId());
        return locator.atConversation(conversation, request, body, store -> {
            store.find(lastRead)
                    .filter(found -> found.message().conversationId().equals(conversation))
                    .orElseThrow(() -> new NotFoundException("message " + lastRead + " is not in conversation "
                            + conversation + " (a message just sent may take a moment to reach history)"));
            ReadHorizonMoved moved = ReadHorizonMoved.of(conversation, reader, lastRead, Instant.now());
            reads.publish(moved);
            return ResponseEntity.accepted().body(moved);
        });
    }

    /** Body of PUT .../read. */
    record ReadRequest(String userId, String lastReadMessageId) {
    }

    static UserId user(String field, String raw) {
        try {
            return UserId.of(raw);
        } catch (InvalidIdException e) {
            throw new BadQueryException(field, e.getMessage());
        }
    }

    private static MessageId messageId(String raw) {
        try {
            return MessageId.of(raw);
        } catch (InvalidIdException e) {
            throw new BadQueryException("lastReadMessageId", e.getMessage());
        }
    }
}
