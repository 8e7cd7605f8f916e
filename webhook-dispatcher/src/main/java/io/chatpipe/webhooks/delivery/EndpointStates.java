package io.chatpipe.webhooks.delivery;

import io.chatpipe.events.ChatEvent;
import io.chatpipe.events.Topics;
import io.chatpipe.events.WebhookEndpointState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Where each endpoint's deliveries stand: last success, last failure and why, backlog, dead letters. As metrics
 * ({@code chatpipe.webhooks.*}, tagged with the endpoint id) and, when changed, in the compacted
 * {@code chat.webhooks.state}, which the api-service shows with the endpoint.
 */
@Component
class EndpointStates {

    private static final Logger log = LoggerFactory.getLogger(EndpointStates.class);

    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final MeterRegistry registry;
    private final KafkaTemplate<String, WebhookEndpointState> template;

    EndpointStates(MeterRegistry registry, KafkaTemplate<String, WebhookEndpointState> stateTemplate) {
        this.registry = registry;
        this.template = stateTemplate;
    }

    void success(String endpoint, Instant eventCreatedAt) {
        State state = state(endpoint);
        state.succeeded.increment();
        state.latency.record(Duration.between(eventCreatedAt, Instant.now()));
        synchronized (state) {
            state.lastSuccessAt = Instant.now();
            state.changed = true;
        }
    }

    void failure(String endpoint, String reason) {
        State state = state(endpoint);
        state.failed.increment();
        synchronized (state) {
            state.lastFailureAt = Instant.now();
            state.lastFailure = reason;
            state.changed = true;
        }
    }

    void deadLettered(String endpoint) {
        State state = state(endpoint);
        state.deadLettered.increment();
        synchronized (state) {
            state.deadLetters++;
            state.changed = true;
        }
    }

    void backlog(String endpoint, long backlog) {
        State state = state(endpoint);
        synchronized (state) {
            if (state.backlog != backlog) {
                state.backlog = backlog;
                state.changed = true;
            }
        }
    }

    /** The endpoint is gone: its metrics go, and its state becomes a tombstone. */
    void forget(String endpoint) {
        State state = states.remove(endpoint);
        if (state != null) {
            state.meters.forEach(registry::remove);
            template.send(Topics.WEBHOOK_STATES.name(), endpoint, null);
        }
    }

    /** Writes the states that changed since the last time. */
    @Scheduled(fixedDelayString = "${chatpipe.webhooks.state-interval:1s}")
    void publish() {
        states.forEach((endpoint, state) -> {
            WebhookEndpointState snapshot;
            synchronized (state) {
                if (!state.changed) {
                    return;
                }
                state.changed = false;
                snapshot = new WebhookEndpointState(ChatEvent.SCHEMA_VERSION, endpoint, state.backlog,
                        state.lastSuccessAt, state.lastFailureAt, state.lastFailure, state.deadLetters, Instant.now());
            }
            template.send(Topics.WEBHOOK_STATES.name(), endpoint, snapshot).whenComplete((result, failure) -> {
                if (failure != null) {
                    log.debug("Could not write the state of webhook endpoint {}: {}", endpoint, failure.toString());
                    synchronized (state) {
                        state.changed = true;
                    }
                }
            });
        });
    }

    private State state(String endpoint) {
        return states.computeIfAbsent(endpoint, id -> new State(registry, id));
    }

    /** One endpoint's state; the plain fields guarded by the instance. */
    private static final class State {

        final Counter succeeded;
        final Counter failed;
        final Counter deadLettered;
        final Timer latency;
        final List<Meter> meters;
        long backlog;
        Instant lastSuccessAt;
        Instant lastFailureAt;
        String lastFailure;
        long deadLetters;
        boolean changed = true;

        State(MeterRegistry registry, String endpoint) {
            succeeded = Counter.builder("chatpipe.webhooks.attempts").tag("endpoint", endpoint).tag("result", "success")
                    .description("Webhook requests answered 2xx").register(registry);
            failed = Counter.builder("chatpipe.webhooks.attempts").tag("endpoint", endpoint).tag("result", "failure")
                    .description("Webhook requests that failed (to be retried)").register(registry);
            deadLettered = Counter.builder("chatpipe.webhooks.dead.letters").tag("endpoint", endpoint)
                    .description("Webhook events given up and moved to chat.webhooks.dlq").register(registry);
            latency = Timer.builder("chatpipe.webhooks.latency").tag("endpoint", endpoint)
                    .description("From the event's time to the endpoint's 2xx").publishPercentileHistogram()
                    .register(registry);
            Gauge backlogGauge = Gauge.builder("chatpipe.webhooks.backlog", this, state -> {
                synchronized (state) {
                    return state.backlog;
                }
            }).tag("endpoint", endpoint).description("Events in the endpoint's outbox not yet sent").register(registry);
            Gauge lastSuccess = Gauge.builder("chatpipe.webhooks.last.success", this, state -> {
                synchronized (state) {
                    return state.lastSuccessAt == null ? 0 : state.lastSuccessAt.toEpochMilli() / 1000.0;
                }
            }).tag("endpoint", endpoint).description("Unix time of the endpoint's last 2xx").register(registry);
            meters = List.of(succeeded, failed, deadLettered, latency, backlogGauge, lastSuccess);
        }
    }
}
