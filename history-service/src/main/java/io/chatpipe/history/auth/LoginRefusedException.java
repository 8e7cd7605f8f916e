package io.chatpipe.history.auth;

import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A chat account's login refused before its password was checked: too many failed logins (429), too many
 * passwords being hashed at once (503), or the chat accounts not read yet (503, the answer of a history that is not
 * ready); each with {@code Retry-After}.
 */
final class LoginRefusedException extends ErrorResponseException {

    private LoginRefusedException(HttpStatus status, String title, String detail, Duration wait) {
        super(status, problem(status, title, detail), null);
        getHeaders().set(HttpHeaders.RETRY_AFTER, String.valueOf(seconds(wait)));
    }

    static LoginRefusedException throttled(Duration wait) {
        return new LoginRefusedException(HttpStatus.TOO_MANY_REQUESTS, "Too many failed logins",
                "Too many failed logins of this account or from this address; the password was not checked. Retry "
                        + "after " + seconds(wait) + " s.", wait);
    }

    static LoginRefusedException busy(Duration wait) {
        return new LoginRefusedException(HttpStatus.SERVICE_UNAVAILABLE, "Busy checking logins",
                "Too many logins are being checked right now; the password was not checked. Retry after "
                        + seconds(wait) + " s.", wait);
    }

    /** The same answer as the query API's while its stores are not ready: the accounts are part of what it reads. */
    static LoginRefusedException accountsUnread(Duration wait) {
        return new LoginRefusedException(HttpStatus.SERVICE_UNAVAILABLE, "History not ready",
                "History is starting or rebalancing; try again shortly.", wait);
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return problem;
    }

    /** Whole seconds, rounded up, at least one. */
    private static long seconds(Duration wait) {
        return Math.max(1, wait.toSeconds() + (wait.getNano() > 0 ? 1 : 0));
    }
}
