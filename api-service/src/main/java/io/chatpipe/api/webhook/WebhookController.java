package io.chatpipe.api.webhook;

import io.chatpipe.api.auth.ApiClient;
import io.chatpipe.kafka.TopicReplica;
import io.chatpipe.api.web.FieldProblem;
import io.chatpipe.events.ChatEvent;
import io.chatpipe.events.EndpointGuard;
import io.chatpipe.events.InvalidIdException;
import io.chatpipe.events.RefusedEndpointException;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.events.WebhookEndpoint;
import io.chatpipe.events.WebhookEventType;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Integrators' webhook endpoints: register, list, show, rotate the secret, pause, resume, delete. An API key sees
 * and changes only the endpoints it registered. Each change is a record of the compacted {@code chat.webhooks},
 * answered once Kafka has it and this instance has read it back, so the next request sees it; the dispatcher
 * sends every event written after that answer.
 */
@RestController
@RequestMapping("/api/v1/webhooks")
class WebhookController {

    private static final Logger log = LoggerFactory.getLogger(WebhookController.class);
    private static final int MAX_SECRET_LENGTH = 256;
    private static final int MAX_USERS = 1000;

    private final WebhookBook book;
    private final WebhookStateBook states;
    private final TopicReplica tail;
    private final KafkaTemplate<String, WebhookEndpoint> template;
    private final EndpointGuard guard;
    private final Duration timeout;

    WebhookController(WebhookBook book, WebhookStateBook states, TopicReplica tail,
            KafkaTemplate<String, WebhookEndpoint> webhookTemplate, WebhookProperties properties) {
        this.book = book;
        this.states = states;
        this.tail = tail;
        this.template = webhookTemplate;
        this.guard = new EndpointGuard(properties.allowPrivateEndpoints());
        this.timeout = properties.requestTimeout();
    }

    @PostMapping
    ResponseEntity<WebhookView> register(@RequestAttribute(ApiClient.ATTRIBUTE) ApiClient client,
            @RequestBody WebhookRequest request) {
        List<FieldProblem> problems = new ArrayList<>();
        URI url = url(request.url(), problems);
        secretProblem(request.secret()).ifPresent(problems::add);
        Set<WebhookEventType> events = events(request.events(), problems);
        Set<UserId> users = users(request.users(), problems);
        refuseIfAny(problems);
        users.forEach(client::checkSender);
        if (users.isEmpty()) {
            users = client.senders();   // a key limited to some senders hears only them; an open key, everyone
        }
        WebhookEndpoint endpoint = new WebhookEndpoint(ChatEvent.SCHEMA_VERSION,
                "we_" + UUID.randomUUID().toString().replace("-", ""), client.name(), url, request.secret(), events,
                users, false, Instant.now(), null);
        write(endpoint);
        log.info("Webhook endpoint {} registered by {}: {} for {}", endpoint.id(), client.name(), url, events);
        return ResponseEntity.created(URI.create("/api/v1/webhooks/" + endpoint.id())).body(view(endpoint));
    }

    @GetMapping
    List<WebhookView> list(@RequestAttribute(ApiClient.ATTRIBUTE) ApiClient client) {
        return book.owned(client.name()).stream().filter(endpoint -> !endpoint.isDeleted()).map(this::view).toList();
    }

    @GetMapping("/{id}")
    WebhookView show(@RequestAttribute(ApiClient.ATTRIBUTE) ApiClient client, @PathVariable String id) {
        return view(owned(client, id));
    }

    @PostMapping("/{id}/secret")
    WebhookView rotate(@RequestAttribute(ApiClient.ATTRIBUTE) ApiClient client, @PathVariable String id,
            @RequestBody SecretRequest request) {
        WebhookEndpoint endpoint = owned(client, id);
        secretProblem(request.secret()).ifPresent(problem -> refuseIfAny(List.of(problem)));
        WebhookEndpoint rotated = endpoint.withSecret(request.secret());
        write(rotated);
        log.info("Webhook endpoint {}: secret rotated by {}", id, client.name());
        return view(rotated);
    }

    @PostMapping("/{id}/pause")
    WebhookView pause(@RequestAttribute(ApiClient.ATTRIBUTE) ApiClient client, @PathVariable String id) {
        WebhookEndpoint paused = owned(client, id).withPaused(true);
        write(paused);
        return view(paused);
    }

    @PostMapping("/{id}/resume")
    WebhookView resume(@RequestAttribute(ApiClient.ATTRIBUTE) ApiClient client, @PathVariable String id) {
        WebhookEndpoint resumed = owned(client, id).withPaused(false);
        write(resumed);
        return view(resumed);
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@RequestAttribute(ApiClient.ATTRIBUTE) ApiClient client, @PathVariable String id) {
        WebhookEndpoint endpoint = owned(client, id);
        write(endpoint.deleted(Instant.now()));
        send(id, null);
        book.forget(id);
        log.info("Webhook endpoint {} deleted by {}", id, client.name());
        return ResponseEntity.noContent().build();
    }

    private WebhookView view(WebhookEndpoint endpoint) {
        return WebhookView.of(endpoint, states.find(endpoint.id()).orElse(null));
    }

    private WebhookEndpoint owned(ApiClient client, String id) {
        return book.find(client.name(), id).filter(endpoint -> !endpoint.isDeleted()).orElseThrow(() ->
                new ErrorResponseException(HttpStatus.NOT_FOUND,
                        ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No webhook endpoint " + id + "."), null));
    }

    /** Writes the endpoint and waits until this instance has read it back. */
    private void write(WebhookEndpoint endpoint) {
        RecordMetadata written = send(endpoint.id(), endpoint);
        if (!tail.awaitRead(Topics.WEBHOOKS, written.partition(), written.offset(), timeout)) {
            throw unavailable("the change is in Kafka but this instance has not read it back yet", null);
        }
    }

    private RecordMetadata send(String id, WebhookEndpoint endpoint) {
        try {
            return template.send(Topics.WEBHOOKS.name(), id, endpoint)
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS).getRecordMetadata();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw unavailable("Kafka did not take the change in time", e);
        }
    }

    private static ErrorResponseException unavailable(String detail, Throwable cause) {
        ErrorResponseException refusal = new ErrorResponseException(HttpStatus.SERVICE_UNAVAILABLE,
                ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, detail + "; try again."), cause);
        refusal.getHeaders().set(HttpHeaders.RETRY_AFTER, "5");
        return refusal;
    }

    private URI url(String raw, List<FieldProblem> problems) {
        try {
            URI url = EndpointGuard.parse(raw);
            guard.check(url);
            return url;
        } catch (RefusedEndpointException e) {
            problems.add(new FieldProblem("url", e.getMessage()));
            return null;
        }
    }

    private static Optional<FieldProblem> secretProblem(String secret) {
        if (secret == null || secret.length() < WebhookEndpoint.MIN_SECRET_LENGTH) {
            return Optional.of(new FieldProblem("secret",
                    "must be at least " + WebhookEndpoint.MIN_SECRET_LENGTH + " characters (e.g. openssl rand -hex 32)"));
        }
        if (secret.length() > MAX_SECRET_LENGTH) {
            return Optional.of(new FieldProblem("secret", "must be at most " + MAX_SECRET_LENGTH + " characters"));
        }
        if (secret.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            return Optional.of(new FieldProblem("secret", "must not contain spaces or control characters"));
        }
        return Optional.empty();
    }

    private static Set<WebhookEventType> events(List<String> names, List<FieldProblem> problems) {
        if (names == null || names.isEmpty()) {
            problems.add(new FieldProblem("events", "must name at least one event type: " + known()));
            return Set.of();
        }
        Set<WebhookEventType> events = new LinkedHashSet<>();
        for (String name : names) {
            WebhookEventType.find(name).ifPresentOrElse(events::add, () -> problems.add(
                    new FieldProblem("events", "has an unknown event type " + quoted(name) + "; known: " + known())));
        }
        return events;
    }

    private static Set<UserId> users(List<String> ids, List<FieldProblem> problems) {
        Set<UserId> users = new LinkedHashSet<>();
        if (ids == null) {
            return users;
        }
        if (ids.size() > MAX_USERS) {
            problems.add(new FieldProblem("users", "must list at most " + MAX_USERS + " users"));
            return users;
        }
        for (String id : ids) {
            try {
                users.add(UserId.of(id));
            } catch (InvalidIdException | NullPointerException e) {
                problems.add(new FieldProblem("users", "has an invalid user id " + quoted(id) + ": "
                        + (e.getMessage() == null ? "must not be null" : e.getMessage())));
            }
        }
        return users;
    }

    private static String known() {
        return Arrays.stream(WebhookEventType.values()).map(WebhookEventType::wireName).collect(Collectors.joining(", "));
    }

    private static String quoted(String text) {
        if (text == null) {
            return "null";
        }
        return "\"" + (text.length() > 64 ? text.substring(0, 64) + "…" : text) + "\"";
    }

    private static void refuseIfAny(List<FieldProblem> problems) {
        if (!problems.isEmpty()) {
            throw new ErrorResponseException(HttpStatus.BAD_REQUEST,
                    FieldProblem.problem(HttpStatus.BAD_REQUEST, "The webhook endpoint is not valid.", problems), null);
        }
    }
}
