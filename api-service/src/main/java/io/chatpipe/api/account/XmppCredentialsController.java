package io.chatpipe.api.account;

import io.chatpipe.api.config.ApiProperties;
import io.chatpipe.api.web.FieldProblem;
import io.chatpipe.events.UserId;
import io.chatpipe.events.XmppPassword;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.CacheControl;
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
 * {@code POST /api/v1/xmpp-credentials} with the chat account's {@code {"username", "password"}} (as for
 * {@code POST /api/v1/sessions}, in the body, never the URL): answers 200 with what an XMPP client needs to log
 * into the user's own XMPP account, {@code {"jid", "password", "server", "port"}}, never to be cached.
 *
 * <p>The password is the one the delivery worker gives an account it creates, derived from the key both
 * share ({@link XmppPassword}); nothing stores or sends it otherwise. An XMPP account that existed before
 * chatpipe first wrote to or from its user keeps its own password, which this cannot know.
 *
 * <p>This creates no chat account: an unknown user or a wrong password is 403; a body without a username
 * or password is 400; too many failed logins is 429 and too many being checked 503, both with {@code Retry-After},
 * as for a session; accounts not yet read from Kafka is 503 with {@code Retry-After}; and an instance without
 * {@code chatpipe.api.xmpp.password-key} answers 503 without it, since waiting will not help.
 */
@RestController
class XmppCredentialsController {

    private static final Logger log = LoggerFactory.getLogger(XmppCredentialsController.class);

    private final Accounts accounts;
    private final ApiProperties.Xmpp xmpp;
    /** Null when no key is configured. */
    private final byte[] key;
    private final String retryAfter;

    XmppCredentialsController(Accounts accounts, ApiProperties properties) {
        this.accounts = accounts;
        this.xmpp = properties.xmpp();
        this.key = xmpp.passwordKeyBytes().orElse(null);
        this.retryAfter = Long.toString(Math.max(1, properties.publish().retryAfter().toSeconds()));
        if (key == null) {
            log.info("No chatpipe.api.xmpp.password-key: POST /api/v1/xmpp-credentials answers 503");
        }
    }

    /** @param server where XMPP clients connect, with {@code port} (client-to-server) */
    record Credentials(String jid, String password, String server, int port) {
    }

    @PostMapping(path = "/api/v1/xmpp-credentials", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Credentials> credentials(@Validated @RequestBody SessionController.LoginRequest request,
            HttpServletRequest http) {
        if (key == null) {
            throw problem(HttpStatus.SERVICE_UNAVAILABLE, "XMPP credentials are not configured on this server "
                    + "(chatpipe.api.xmpp.password-key).", null);
        }
        UserId user = switch (accounts.verify(request.username(), request.password(), Accounts.Door.XMPP_CREDENTIALS,
                http.getRemoteAddr())) {
            case Login.Success success -> success.user();
            case Login.WrongPassword wrong -> throw problem(HttpStatus.FORBIDDEN,
                    "The username or password is wrong.", null);
            case Login.Invalid invalid -> throw problem(HttpStatus.BAD_REQUEST, "The request is not valid.",
                    new FieldProblem(invalid.field(), invalid.detail()));
            case Login.Unavailable unavailable -> throw problem(HttpStatus.SERVICE_UNAVAILABLE,
                    "Accounts cannot be checked right now: " + unavailable.detail(), null);
            case Login.Throttled throttled -> throw SessionController.throttled(throttled);
            case Login.Busy busy -> throw SessionController.busy(busy);
        };
        log.info("Handed {} the credentials of their XMPP account", user);
        return ResponseEntity.ok().cacheControl(CacheControl.noStore())
                .body(new Credentials(user.jid(xmpp.domain()), XmppPassword.derive(key, user), xmpp.host(),
                        xmpp.port()));
    }

    private ErrorResponseException problem(HttpStatus status, String detail, FieldProblem field) {
        ProblemDetail problem = field == null ? ProblemDetail.forStatusAndDetail(status, detail)
                : FieldProblem.problem(status, detail, List.of(field));
        var exception = new ErrorResponseException(status, problem, null);
        if (status == HttpStatus.SERVICE_UNAVAILABLE && key != null) {
            exception.getHeaders().set(HttpHeaders.RETRY_AFTER, retryAfter);
        }
        return exception;
    }
}
