package io.chatpipe.api.account;

import io.chatpipe.api.config.ApiProperties;
import io.chatpipe.events.UserId;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Short-lived, single-use tokens that open one chat WebSocket for a user who just logged in, so that no
 * password ever travels in a URL. A token is 256 random bits, redeemable once, within its time to live,
 * on the instance that issued it (the one the login reached); redeemed or expired, it means nothing, so
 * that it does no harm in an access log.
 */
@Component
public class SessionTokens {

    /** @param expiresAt when the token stops being redeemable */
    public record Token(String value, UserId user, Instant expiresAt) {
    }

    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Duration ttl;
    private final Clock clock = Clock.systemUTC();

    SessionTokens(ApiProperties properties) {
        this.ttl = properties.websocket().loginTokenTtl();
    }

    Token issue(UserId user) {
        Instant now = clock.instant();
        tokens.values().removeIf(token -> !token.expiresAt().isAfter(now));
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        Token token = new Token(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), user, now.plus(ttl));
        tokens.put(token.value(), token);
        return token;
    }

    /** The user a token was issued to, once: the token is gone afterwards. Empty for an unknown or expired one. */
    public Optional<UserId> redeem(String value) {
        if (value == null) {
            return Optional.empty();
        }
        Token token = tokens.remove(value);
        if (token == null || !token.expiresAt().isAfter(clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(token.user());
    }
}
