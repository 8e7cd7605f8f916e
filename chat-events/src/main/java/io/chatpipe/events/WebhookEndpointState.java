package io.chatpipe.events;

import java.time.Instant;

/**
 * Where a webhook endpoint's deliveries stand, as its dispatcher last said (compacted {@code chat.webhooks.state},
 * key: endpoint id): the api-service shows it with the endpoint.
 *
 * @param backlog      events in its outbox not yet sent (or given up)
 * @param lastFailure  why the last failed attempt failed ("HTTP 500", "connect timed out", ...), or null
 * @param deadLetters  events given up and moved to {@code chat.webhooks.dlq} since the dispatcher started
 */
public record WebhookEndpointState(
        int schema,
        String endpointId,
        long backlog,
        Instant lastSuccessAt,
        Instant lastFailureAt,
        String lastFailure,
        long deadLetters,
        Instant at) {
}
