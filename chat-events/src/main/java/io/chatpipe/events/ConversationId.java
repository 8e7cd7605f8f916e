package io.chatpipe.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The id of a direct conversation: the two users' JID localparts in canonical (sorted) order,
 * joined by a colon, so that {@code between(a, b)} equals {@code between(b, a)}. XEP-0106 escapes
 * every colon inside a localpart, so the separator is never ambiguous.
 *
 * <p>It is the Kafka key of every conversation's records: same conversation, same partition, order kept.
 */
public record ConversationId(String value) {

    private static final char SEPARATOR = ':';

    public ConversationId {
        if (value == null) {
            throw new InvalidIdException("conversation id must not be null");
        }
        int at = value.indexOf(SEPARATOR);
        if (at <= 0 || at != value.lastIndexOf(SEPARATOR) || at == value.length() - 1) {
            throw new InvalidIdException("conversation id must be two localparts joined by ':'");
        }
        String first = value.substring(0, at);
        String second = value.substring(at + 1);
        if (first.compareTo(second) > 0) {
            throw new InvalidIdException("conversation id must list its users in canonical order");
        }
        canonicalLocalpart(first);
        canonicalLocalpart(second);
    }

    private static void canonicalLocalpart(String localpart) {
        // most are plain, and a plain one is canonical as it is: no unescaping and stringprep to find that out
        if (!UserId.plainLocalpart(localpart) && !UserId.fromLocalpart(localpart).localpart().equals(localpart)) {
            throw new InvalidIdException("conversation id must be made of canonical localparts");
        }
    }

    public static ConversationId between(UserId a, UserId b) {
        String x = a.localpart();
        String y = b.localpart();
        return new ConversationId(x.compareTo(y) <= 0 ? x + SEPARATOR + y : y + SEPARATOR + x);
    }

    @JsonCreator
    public static ConversationId of(String value) {
        return new ConversationId(value);
    }

    public UserId first() {
        return UserId.fromLocalpart(value.substring(0, value.indexOf(SEPARATOR)));
    }

    public UserId second() {
        return UserId.fromLocalpart(value.substring(value.indexOf(SEPARATOR) + 1));
    }

    public boolean involves(UserId user) {
        return first().equals(user) || second().equals(user);
    }

    @JsonValue
    @Override
    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return value;
    }
}
