package io.chatpipe.api.auth;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** More messages than an API key's rate limit allows now: 429 with {@code Retry-After}. */
class RateLimitedException extends ErrorResponseException {

    RateLimitedException(String key, long retryAfterSeconds) {
        super(HttpStatus.TOO_MANY_REQUESTS, ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS,
                "The API key '" + key + "' has sent as many messages as its rate limit allows for now; nothing "
                        + "was stored. Retry after " + retryAfterSeconds + " s."), null);
        getHeaders().set(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, retryAfterSeconds)));
    }
}
