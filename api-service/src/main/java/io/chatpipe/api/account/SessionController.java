package io.chatpipe.api.account;

import io.chatpipe.api.web.FieldProblem;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/sessions} with {@code {"username", "password"}}: logs in (creating the account on the
 * first login, as seed 003 does) and answers 201 with a token that opens one chat WebSocket at
 * {@code /ws/chat?token=...} within a few seconds. A wrong password is 403, a username or password that
 * cannot be an account's is 400, Kafka out of reach is 503; all RFC 9457 problems. Too many failed logins of the
 * account or from the client's address is 429 with {@code Retry-After}, too many passwords being hashed at once
 * 503 with {@code Retry-After}: neither checks the password.
 */
@RestController
class SessionController {

    private final Accounts accounts;
    private final SessionTokens tokens;

    SessionController(Accounts accounts, SessionTokens tokens) {
        this.accounts = accounts;
        this.tokens = tokens;
    }

    /** @param webSocket where to open the chat WebSocket with this token, relative to this service */
    record Session(String token, String username, boolean created, Instant expiresAt, String webSocket) {
    }

    record LoginRequest(@NotNull String username, @NotNull String password) {
    }

    @PostMapping(path = "/api/v1/sessions", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Session> login(@Validated @RequestBody LoginRequest request, HttpServletRequest http) {
        return switch (accounts.login(request.username(), request.password(), Accounts.Door.SESSIONS,
                http.getRemoteAddr())) {
            case Login.Success success -> {
                SessionTokens.Token token = tokens.issue(success.user());
                yield ResponseEntity.created(URI.create("/ws/chat"))
                        .body(new Session(token.value(), success.user().value(), success.created(),
                                token.expiresAt(), "/ws/chat?token=" + token.value()));
            }
            case Login.WrongPassword wrong -> throw problem(HttpStatus.FORBIDDEN, "The password is wrong.", null);
            case Login.Invalid invalid -> throw problem(HttpStatus.BAD_REQUEST, "The request is not valid.",
                    new FieldProblem(invalid.field(), invalid.detail()));
            case Login.Unavailable unavailable -> throw problem(HttpStatus.SERVICE_UNAVAILABLE,
                    "Accounts cannot be checked right now: " + unavailable.detail(), null);
            case Login.Throttled throttled -> throw throttled(throttled);
            case Login.Busy busy -> throw busy(busy);
        };
    }

    /** 429 with {@code Retry-After}: the password was not checked. */
    static ErrorResponseException throttled(Login.Throttled throttled) {
        return retryAfter(HttpStatus.TOO_MANY_REQUESTS, "Too many failed logins of this account or from this "
                + "address; the password was not checked. Retry after " + seconds(throttled.retryAfter()) + " s.",
                throttled.retryAfter());
    }

    /** 503 with {@code Retry-After}: the password was not checked. */
    static ErrorResponseException busy(Login.Busy busy) {
        return retryAfter(HttpStatus.SERVICE_UNAVAILABLE, "Too many logins are being checked right now; the password "
                + "was not checked. Retry after " + seconds(busy.retryAfter()) + " s.", busy.retryAfter());
    }

    private static ErrorResponseException retryAfter(HttpStatus status, String detail, Duration wait) {
        var exception = new ErrorResponseException(status, ProblemDetail.forStatusAndDetail(status, detail), null);
        exception.getHeaders().set(HttpHeaders.RETRY_AFTER, String.valueOf(seconds(wait)));
        return exception;
    }

    /** Whole seconds, rounded up, at least one: what {@code Retry-After} can say. */
    private static long seconds(Duration wait) {
        return Math.max(1, wait.toSeconds() + (wait.getNano() > 0 ? 1 : 0));
    }

    private static ErrorResponseException problem(HttpStatus status, String detail, FieldProblem field) {
        ProblemDetail problem = field == null ? ProblemDetail.forStatusAndDetail(status, detail)
                : FieldProblem.problem(status, detail, List.of(field));
        var exception = new ErrorResponseException(status, problem, null);
        if (status == HttpStatus.SERVICE_UNAVAILABLE) {
            exception.getHeaders().set(HttpHeaders.RETRY_AFTER, "5");
        }
        return exception;
    }
}
