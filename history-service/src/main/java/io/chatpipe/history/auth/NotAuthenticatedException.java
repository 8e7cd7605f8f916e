package io.chatpipe.history.auth;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * No credentials, or ones that are not valid: 401 with a {@code WWW-Authenticate} challenge for each way in,
 * an API key (RFC 6750) and a chat account (RFC 7617).
 */
final class NotAuthenticatedException extends ErrorResponseException {

    static final String REALM = "chatpipe";

    private NotAuthenticatedException(String detail, String bearerChallenge) {
        super(HttpStatus.UNAUTHORIZED, problem(detail), null);
        getHeaders().add(HttpHeaders.WWW_AUTHENTICATE, bearerChallenge);
        getHeaders().add(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
    }

    static NotAuthenticatedException missing() {
        return new NotAuthenticatedException("Credentials are required: an API key as 'Authorization: Bearer <key>', "
                + "or a chat account as HTTP Basic user id and password.", "Bearer realm=\"" + REALM + "\"");
    }

    static NotAuthenticatedException invalidKey() {
        return new NotAuthenticatedException("The API key is not valid.", "Bearer realm=\"" + REALM
                + "\", error=\"invalid_token\", error_description=\"The API key is not valid\"");
    }

    static NotAuthenticatedException invalidAccount() {
        return new NotAuthenticatedException("The user id or password is not valid.",
                "Bearer realm=\"" + REALM + "\"");
    }

    private static ProblemDetail problem(String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED, detail);
        problem.setTitle("Not authenticated");
        return problem;
    }
}
