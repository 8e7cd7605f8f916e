package io.chatpipe.api.chat;

import io.chatpipe.api.account.Accounts;
import io.chatpipe.api.account.Login;
import io.chatpipe.api.account.SessionTokens;
import io.chatpipe.api.config.ApiProperties;
import io.chatpipe.events.UserId;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * What happens before a chat WebSocket opens: the Origin check, then the login. A failed login still opens
 * the socket, to say why in seed 003's terms (FORBIDDEN, or ERROR) before closing it: a browser cannot read
 * the status of a refused handshake.
 */
final class Handshakes {

    /** The logged-in user of a session, a {@link UserId}. */
    static final String USER = "chatpipe.user";
    /** Why a session is refused, a {@link Refusal}. */
    static final String REFUSAL = "chatpipe.refusal";

    private static final Logger log = LoggerFactory.getLogger(Handshakes.class);

    private Handshakes() {
    }

    /** The frame that tells a client why it is not let in, and how its socket is closed. */
    record Refusal(ChatFrame frame, CloseStatus status) {
    }

    /**
     * Cross-site WebSocket hijacking protection: a browser names the page that opens a socket in Origin, and
     * only the service's own pages and the configured ones may. {@code {port}} in an allowed origin is this
     * instance's port. localhost and 127.0.0.1 are one host here: the same port on either is the same server,
     * so a page opened by either name is the same page. A client that sends no Origin is not a browser page;
     * it still has to log in.
     */
    static final class OriginCheck implements HandshakeInterceptor {

        /** The service's own pages, as a browser names them when it opened them from this instance. */
        static final List<String> OWN = List.of("http://127.0.0.1:{port}", "http://localhost:{port}");
        private static final Pattern LOCALHOST = Pattern.compile("^([a-z][a-z0-9+.-]*://)localhost(?=:|$)");

        private final List<String> allowed;

        OriginCheck(ApiProperties.WebSocket settings) {
            this.allowed = Stream.concat(OWN.stream(), settings.allowedOrigins().stream()).toList();
        }

        @Override
        public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response,
                WebSocketHandler handler, Map<String, Object> attributes) {
            String origin = request.getHeaders().getOrigin();
            if (origin == null) {
                return true;
            }
            String port = String.valueOf(request.getLocalAddress().getPort());
            String asked = loopbackAsOne(origin);
            if (allowed.stream().map(entry -> loopbackAsOne(entry.replace("{port}", port))).anyMatch(asked::equals)) {
                return true;
            }
            log.info("Refused a chat WebSocket from origin {}; allowed: {}", origin, allowed);
            response.setStatusCode(HttpStatus.FORBIDDEN);
            return false;
        }

        @Override
        public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response,
                WebSocketHandler handler, Exception exception) {
        }

        /** An origin in lower case, its host localhost named 127.0.0.1. */
        static String loopbackAsOne(String origin) {
            return LOCALHOST.matcher(origin.strip().toLowerCase(Locale.ROOT)).replaceFirst("$1127.0.0.1");
        }
    }

    /** {@code /ws/chat?token=...}: a token from {@code POST /api/v1/sessions}, redeemed once. */
    static final class TokenLogin implements HandshakeInterceptor {

        private final SessionTokens tokens;

        TokenLogin(SessionTokens tokens) {
            this.tokens = tokens;
        }

        @Override
        public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response,
                WebSocketHandler handler, Map<String, Object> attributes) {
            String token = UriComponentsBuilder.fromUri(request.getURI()).build().getQueryParams().getFirst("token");
            tokens.redeem(token).ifPresentOrElse(user -> attributes.put(USER, user),
                    () -> attributes.put(REFUSAL, new Refusal(ChatFrame.of(ChatFrame.FORBIDDEN, null, null,
                            "the token is missing, unknown, used or expired: log in again at POST /api/v1/sessions"),
                            CloseStatus.POLICY_VIOLATION)));
            return true;
        }

        @Override
        public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response,
                WebSocketHandler handler, Exception exception) {
        }
    }

    /**
     * Seed 003's {@code /chat/{username}/{password}}, served only when
     * {@code chatpipe.api.websocket.legacy-password-path} is on: a wrong password gets FORBIDDEN; too many failed
     * logins of the account or from the address get FORBIDDEN saying when to retry, unchecked.
     */
    static final class PasswordPathLogin implements HandshakeInterceptor {

        private final Accounts accounts;

        PasswordPathLogin(Accounts accounts) {
            this.accounts = accounts;
        }

        @Override
        public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response,
                WebSocketHandler handler, Map<String, Object> attributes) {
            String path = request.getURI().getRawPath();
            String[] parts = path.substring(path.indexOf("/chat/") + "/chat/".length()).split("/", -1);
            if (parts.length != 2) {
                response.setStatusCode(HttpStatus.NOT_FOUND);
                return false;
            }
            String username = UriUtils.decode(parts[0], StandardCharsets.UTF_8);
            String password = UriUtils.decode(parts[1], StandardCharsets.UTF_8);
            var peer = request.getRemoteAddress();
            String address = peer == null || peer.getAddress() == null ? "unknown" : peer.getAddress().getHostAddress();
            switch (accounts.login(username, password, Accounts.Door.LEGACY_WEBSOCKET, address)) {
                case Login.Success success -> attributes.put(USER, success.user());
                case Login.WrongPassword wrong -> attributes.put(REFUSAL, new Refusal(
                        ChatFrame.of(ChatFrame.FORBIDDEN, null, wrong.user().value(), "the password is wrong"),
                        CloseStatus.POLICY_VIOLATION));
                case Login.Invalid invalid -> attributes.put(REFUSAL, new Refusal(
                        ChatFrame.error(invalid.field() + " " + invalid.detail()), CloseStatus.POLICY_VIOLATION));
                case Login.Unavailable unavailable -> attributes.put(REFUSAL, new Refusal(
                        ChatFrame.error(unavailable.detail()), CloseStatus.SERVICE_RESTARTED));
                // refused unchecked, no hash computed; 1013: try again later
                case Login.Throttled throttled -> attributes.put(REFUSAL, new Refusal(ChatFrame.of(ChatFrame.FORBIDDEN,
                        null, username, "too many failed logins; retry after " + throttled.retryAfter().toSeconds()
                                + " s"), CloseStatus.SERVICE_OVERLOAD));
                case Login.Busy busy -> attributes.put(REFUSAL, new Refusal(ChatFrame.error(
                        "too many logins are being checked; retry after " + busy.retryAfter().toSeconds() + " s"),
                        CloseStatus.SERVICE_OVERLOAD));
            }
            return true;
        }

        @Override
        public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response,
                WebSocketHandler handler, Exception exception) {
        }
    }
}
