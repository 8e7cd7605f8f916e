package io.chatpipe.history.query;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.InvalidIdException;
import io.chatpipe.events.MessageId;
import io.chatpipe.history.config.HistoryProperties;
import io.chatpipe.history.topology.ConversationStore;
import io.chatpipe.history.topology.RecordedMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * Which page of a conversation a client asks for: the newest, the one before or after a cursor, or the
 * one around a message. Every page lists its messages oldest first, like a chat window.
 */
record PageRequest(Kind kind, Cursor cursor, MessageId around, int limit) {

    enum Kind { NEWEST, BEFORE, AFTER, AROUND }

    static PageRequest parse(String limit, String before, String after, String around,
            HistoryProperties.Query query) {
        int size = limit(limit, query);
        int given = (before == null ? 0 : 1) + (after == null ? 0 : 1) + (around == null ? 0 : 1);
        if (given > 1) {
            throw new BadQueryException(before == null ? "after" : "before",
                    "give at most one of before, after and around");
        }
        if (before != null) {
            return new PageRequest(Kind.BEFORE, Cursor.parse("before", before), null, size);
        }
        if (after != null) {
            return new PageRequest(Kind.AFTER, Cursor.parse("after", after), null, size);
        }
        if (around != null) {
            try {
                return new PageRequest(Kind.AROUND, null, MessageId.of(around), size);
            } catch (InvalidIdException e) {
                throw new BadQueryException("around", e.getMessage());
            }
        }
        return new PageRequest(Kind.NEWEST, null, null, size);
    }

    private static int limit(String raw, HistoryProperties.Query query) {
        if (raw == null) {
            return query.defaultLimit();
        }
        try {
            int limit = Integer.parseInt(raw.strip());
            if (limit >= 1 && limit <= query.maxLimit()) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below, as any other limit out of range
        }
        throw new BadQueryException("limit", "must be a whole number from 1 to " + query.maxLimit());
    }

    MessagePage read(ConversationStore store, ConversationId conversation) {
        List<RecordedMessage> messages;
        boolean older;
        if (kind == Kind.NEWEST || kind == Kind.BEFORE) {
            // one more than the page, read in the same pass, says whether an older page exists
            List<RecordedMessage> read = store.before(conversation,
                    kind == Kind.NEWEST ? Long.MAX_VALUE : cursor.position(), limit + 1);
            older = read.size() > limit;
            messages = older ? read.subList(1, read.size()) : read;
        } else {
            messages = kind == Kind.AFTER ? store.after(conversation, cursor.position(), limit)
                    : around(store, conversation);
            older = !messages.isEmpty() && store.hasBefore(conversation, messages.getFirst().offset());
        }
        String next = older ? Cursor.of(messages.getFirst().offset()).token() : null;
        Cursor newest = !messages.isEmpty() ? Cursor.of(messages.getLast().offset())
                : switch (kind) {
                    case AFTER -> cursor;
                    case BEFORE -> Cursor.of(Math.max(-1, cursor.position() - 1));
                    default -> Cursor.START;
                };
        return new MessagePage(
                messages.stream().map(m -> HistoryMessage.of(m, store.status(m))).toList(),
                next, newest.token());
    }

    /** Up to half the page before the message, the message, the rest after it; a short side lends to the other. */
    private List<RecordedMessage> around(ConversationStore store, ConversationId conversation) {
        RecordedMessage centre = store.find(around)
                .filter(found -> found.message().conversationId().equals(conversation))
                .orElseThrow(() -> new NotFoundException("message " + around + " is not in this conversation"));
        long at = centre.offset();
        List<RecordedMessage> newer = store.after(conversation, at, (limit - 1) - (limit - 1) / 2);
        List<RecordedMessage> older = store.before(conversation, at, limit - 1 - newer.size());
        if (older.size() + newer.size() < limit - 1) {
            newer = store.after(conversation, at, limit - 1 - older.size());
        }
        List<RecordedMessage> page = new ArrayList<>(older);
        page.add(centre);
        page.addAll(newer);
        return page;
    }

    /**
     * One page, oldest message first.
     *
     * @param nextCursor pass as {@code before=} for the page of older messages; null when there are none
     * @param prevCursor pass as {@code after=} for newer messages; always present, so a client can poll it for
     *                   messages that arrive later
     */
    record MessagePage(List<HistoryMessage> messages, String nextCursor, String prevCursor) {
    }
}
