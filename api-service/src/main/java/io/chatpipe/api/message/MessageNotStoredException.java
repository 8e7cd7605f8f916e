package io.chatpipe.api.message;

import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** Kafka did not acknowledge a message in time: 503 with {@code Retry-After}. */
class MessageNotStoredException extends ErrorResponseException {

    static final String KAFKA_DID_NOT_ACKNOWLEDGE = "Kafka did not acknowledge the message in time, so it was not "
            + "accepted. Retry later; retry with a clientMessageId so that a retry cannot make a second copy.";

    static final String CLAIM_IN_PROGRESS = "Another request with this client message id is still being stored, "
            + "or gave up; nothing was stored by this one. Retry later with the same clientMessageId.";

    MessageNotStoredException(Duration retryAfter, Throwable cause) {
        this(retryAfter, KAFKA_DID_NOT_ACKNOWLEDGE, cause);
    }

    MessageNotStoredException(Duration retryAfter, String detail, Throwable cause) {
        super(HttpStatus.SERVICE_UNAVAILABLE, ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                detail), cause);
        getHeaders().set(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfterSeconds(retryAfter)));
    }

    static long retryAfterSeconds(Duration retryAfter) {
        return Math.max(1, retryAfter.toSeconds());
    }
}
