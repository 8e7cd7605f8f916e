package io.chatpipe.api.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chatpipe.events.UserId;
import io.chatpipe.events.WebhookEndpoint;
import io.chatpipe.events.WebhookEndpointState;
import io.chatpipe.events.WebhookEventType;
import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * An endpoint as the API shows it: never its secret. {@code delivery} is where its deliveries stand, as the
 * dispatcher last reported (absent until it has).
 */
record WebhookView(
        String id,
        URI url,
        List<WebhookEventType> events,
        List<String> users,
        boolean paused,
        Instant createdAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) Delivery delivery) {

    /** Where an endpoint's deliveries stand. */
    record Delivery(long backlog, Instant lastSuccessAt, Instant lastFailureAt, String lastFailure, long deadLetters,
            Instant at) {
    }

    static WebhookView of(WebhookEndpoint endpoint, WebhookEndpointState state) {
        Delivery delivery = state == null ? null : new Delivery(state.backlog(), state.lastSuccessAt(),
                state.lastFailureAt(), state.lastFailure(), state.deadLetters(), state.at());
        return new WebhookView(endpoint.id(), endpoint.url(), endpoint.events().stream().sorted().toList(),
                endpoint.users().stream().map(UserId::value).sorted().toList(), endpoint.paused(), endpoint.createdAt(),
                delivery);
    }
}
