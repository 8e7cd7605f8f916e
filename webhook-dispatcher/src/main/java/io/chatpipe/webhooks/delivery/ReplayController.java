package io.chatpipe.webhooks.delivery;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The operator's replay of an endpoint's dead letters, on the dispatcher's own port (loopback only by default,
 * like its actuator): {@code POST /api/v1/webhooks/{id}/replay[?from=<ISO instant>&to=<ISO instant>]}.
 */
@RestController
class ReplayController {

    private final EndpointBook endpoints;
    private final DeadLetterReplay replay;

    ReplayController(EndpointBook endpoints, DeadLetterReplay replay) {
        this.endpoints = endpoints;
        this.replay = replay;
    }

    @PostMapping("/api/v1/webhooks/{id}/replay")
    ResponseEntity<?> replay(@PathVariable String id,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to)
            throws InterruptedException {
        if (endpoints.all().stream().noneMatch(endpoint -> endpoint.id().equals(id))) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND)
                    .body(ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No webhook endpoint " + id + "."));
        }
        try {
            return ResponseEntity.ok(Map.of("endpoint", id, "replayed", replay.replay(id, from, to)));
        } catch (ExecutionException | TimeoutException e) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                    "Kafka did not answer; nothing or part of the dead letters went back (a replay sends the same ids).");
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "5").body(problem);
        }
    }
}
