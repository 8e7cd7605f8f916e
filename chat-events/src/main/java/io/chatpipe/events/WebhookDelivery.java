package io.chatpipe.events;

import java.time.Instant;

/**
 * One event on its way to one webhook endpoint: a record of the endpoint's outbox topic, and, once its retries
 * ran out, of {@code chat.webhooks.dlq} (keyed by endpoint id) with the reason. The body is the exact JSON that
 * is POSTed and signed, built once when the event was queued, so every attempt and every replay sends the same
 * bytes under the same event id.
 *
 * @param conversationId the conversation the event is about (the outbox's record key as well)
 * @param attempts       for a dead letter: how many attempts were made; 0 in an outbox
 * @param error          for a dead letter: the last attempt's failure; null in an outbox
 * @param deadAt         for a dead letter: when it was given up; null in an outbox
 */
public record WebhookDelivery(
        int schema,
        String endpointId,
        String eventId,
        WebhookEventType type,
        String conversationId,
        Instant createdAt,
        String body,
        int attempts,
        String error,
        Instant deadAt) {

    public static WebhookDelivery queued(String endpointId, WebhookEvent event) {
        return new WebhookDelivery(ChatEvent.SCHEMA_VERSION, endpointId, event.id(), event.type(),
                event.conversationId(), event.createdAt(), event.body(), 0, null, null);
    }

    /** This delivery given up after {@code attempts}, for the dead-letter topic. */
    public WebhookDelivery dead(int attemptsMade, String lastError, Instant at) {
        return new WebhookDelivery(schema, endpointId, eventId, type, conversationId, createdAt, body, attemptsMade,
                lastError, at);
    }

    /** A dead letter back in the outbox, to be tried afresh. */
    public WebhookDelivery replayed() {
        return new WebhookDelivery(schema, endpointId, eventId, type, conversationId, createdAt, body, 0, null, null);
    }
}
