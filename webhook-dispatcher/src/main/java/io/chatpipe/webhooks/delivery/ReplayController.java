package io.chatpipe.webhooks.delivery;

import io.chatpipe.events.WebhookEndpoint;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaException;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The operator's replays, on the dispatcher's own port (loopback only by default, like its actuator): an endpoint's
 * dead letters, {@code POST /api/v1/webhooks/{id}/replay[?from=<ISO instant>&to=<ISO instant>]}, and the events of
 * a time range, {@code POST /api/v1/webhooks/{id}/replay-events?from=<ISO instant>[&to=<ISO instant>]}.
 */
@RestController
class ReplayController {

    private final EndpointBook endpoints;
    private final Replayer replayer;

    ReplayController(EndpointBook endpoints, Replayer replayer) {
        this.endpoints = endpoints;
        this.replayer = replayer;
    }

    @PostMapping("/api/v1/webhooks/{id}/replay")
    ResponseEntity<?> replay(@PathVariable String id,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to)
            throws InterruptedException {
        if (endpoints.all().stream().noneMatch(endpoint -> endpoint.id().equals(id))) {
            return notFound(id);
        }
        try {
            return ResponseEntity.ok(Map.of("endpoint", id, "replayed", replayer.deadLetters(id, from, to)));
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            return unavailable();
        }
    }

    @PostMapping("/api/v1/webhooks/{id}/replay-events")
    ResponseEntity<?> replayEvents(@PathVariable String id,
            @RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to)
            throws InterruptedException {
        Optional<WebhookEndpoint> endpoint = endpoints.all().stream().filter(known -> known.id().equals(id)).findFirst();
        if (endpoint.isEmpty()) {
            return notFound(id);
        }
        try {
            return ResponseEntity.ok(Map.of("endpoint", id, "replayed", replayer.events(endpoint.get(), from, to)));
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            return unavailable();
        }
    }

    private static ResponseEntity<?> notFound(String id) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
                .body(ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No webhook endpoint " + id + "."));
    }

    private static ResponseEntity<?> unavailable() {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "Kafka did not answer; none or part of the events went back (a replay sends the same ids again).");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "5").body(problem);
    }
}
