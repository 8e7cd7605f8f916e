package io.chatpipe.api.message;

import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** Kafka did not acknowledge a message in time: 503 with {@code Retry-After}. */
class MessageNotStoredException extends ErrorResponseException {

    MessageNotStoredException(Duration retryAfter, Throwable cause) {
        super(HttpStatus.SERVICE_UNAVAILABLE, ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "Kafka did not acknowledge the message in time, so it was not accepted. Retry later; retry "
                        + "with a clientMessageId so that a retry cannot make a second copy."), cause);
        getHeaders().set(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, retryAfter.toSeconds())));
    }
}
