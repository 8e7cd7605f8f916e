package io.chatpipe.history.query;

import io.chatpipe.history.config.HistoryProperties;
import java.time.Duration;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** The query API's failures as RFC 9457 problem details: bad input 400, unknown 404, not ready 503. */
@RestControllerAdvice
class QueryProblems {

    private static final Logger log = LoggerFactory.getLogger(QueryProblems.class);

    private final Duration retryAfter;

    QueryProblems(HistoryProperties properties) {
        this.retryAfter = properties.query().retryAfter();
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> badQuery(BadQueryException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                e.field() + ": " + e.getMessage());
        problem.setTitle("Invalid request");
        problem.setProperty("field", e.field());
        return ResponseEntity.badRequest().body(problem);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> notFound(NotFoundException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
        problem.setTitle("Not found");
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(problem);
    }

    /**
     * Kafka Streams' stores are read lazily, so a store that closes or moves mid-read throws from the read itself
     * ({@link InvalidStateStoreException} and its kinds: migrated, not available, partition gone): the same 503.
     */
    @ExceptionHandler({HistoryUnavailableException.class, InvalidStateStoreException.class})
    ResponseEntity<ProblemDetail> unavailable(RuntimeException e) {
        log.debug("Answering 503: {}", e.getMessage());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "History is starting or rebalancing; try again shortly.");
        problem.setTitle("History not ready");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, retryAfter.toSeconds())))
                .body(problem);
    }
}
