package io.chatpipe.events;

import java.net.URI;
import java.time.Instant;
import java.util.Set;

/**
 * An integrator's webhook endpoint, as the compacted {@code chat.webhooks} keeps it (key: its id; deleted
 * ones are tombstones). It holds the signing secret because the dispatcher needs it to sign; the api-service
 * never shows it, and {@link #toString()} leaves it out so that no log can.
 *
 * @param owner     the name of the API key that registered it: only that key sees and changes it
 * @param users     the users whose messages it hears (sender or recipient); empty for all
 * @param createdAt events written to Kafka before this moment are not sent to it (unless replayed)
 * @param deletedAt when it was deleted, or null. A deletion is written as this record and then a tombstone: readers
 *                  that skip tombstones learn of it too, and compaction leaves nothing behind.
 */
public record WebhookEndpoint(
        int schema,
        String id,
        String owner,
        URI url,
        String secret,
        Set<WebhookEventType> events,
        Set<UserId> users,
        boolean paused,
        Instant createdAt,
        Instant deletedAt) {

    /** The shortest secret accepted: 32 characters, as many bits as a random 24-byte key in base64. */
    public static final int MIN_SECRET_LENGTH = 32;

    public WebhookEndpoint {
        events = events == null ? Set.of() : Set.copyOf(events);
        users = users == null ? Set.of() : Set.copyOf(users);
    }

    /** The outbox topic of this endpoint: its own queue of events waiting to be sent, in order. */
    public Topic<String, WebhookDelivery> outbox() {
        return Topics.webhookOutbox(id);
    }

    /** Whether it hears this event about a message between these users. */
    public boolean wants(WebhookEventType type, UserId from, UserId to) {
        return events.contains(type) && (users.isEmpty() || users.contains(from) || users.contains(to));
    }

    public WebhookEndpoint withSecret(String newSecret) {
        return new WebhookEndpoint(schema, id, owner, url, newSecret, events, users, paused, createdAt, deletedAt);
    }

    public WebhookEndpoint withPaused(boolean nowPaused) {
        return new WebhookEndpoint(schema, id, owner, url, secret, events, users, nowPaused, createdAt, deletedAt);
    }

    /** This endpoint deleted: the record written before its tombstone, without its secret. */
    public WebhookEndpoint deleted(Instant at) {
        return new WebhookEndpoint(schema, id, owner, url, null, events, users, true, createdAt, at);
    }

    public boolean isDeleted() {
        return deletedAt != null;
    }

    @Override
    public String toString() {
        return "WebhookEndpoint[id=" + id + ", owner=" + owner + ", url=" + url + ", events=" + events
                + ", users=" + users + ", paused=" + paused + "]";
    }
}
