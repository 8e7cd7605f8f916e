package io.chatpipe.api.auth;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** No API key, or one that is not configured: 401 with {@code WWW-Authenticate} (RFC 6750). */
class ApiKeyRequiredException extends ErrorResponseException {

    static final String REALM = "chatpipe";

    private ApiKeyRequiredException(String detail, String challenge) {
        super(HttpStatus.UNAUTHORIZED, ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED, detail), null);
        getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, challenge);
    }

    static ApiKeyRequiredException missing() {
        return new ApiKeyRequiredException("An API key is required: send it as 'Authorization: Bearer <key>'.",
                "Bearer realm=\"" + REALM + "\"");
    }

    static ApiKeyRequiredException invalid() {
        return new ApiKeyRequiredException("The API key is not valid.",
                "Bearer realm=\"" + REALM + "\", error=\"invalid_token\", "
                        + "error_description=\"The API key is not valid\"");
    }
}
