package io.chatpipe.history.auth;

import io.chatpipe.events.InvalidIdException;
import io.chatpipe.events.UserId;
import io.chatpipe.events.auth.ApiKeyRing.BasicCredentials;
import io.chatpipe.history.config.HistoryProperties;
import io.chatpipe.history.query.HistoryUnavailableException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Checks a user's chat password against the BCrypt hash of their account. A BCrypt check costs tens of
 * milliseconds by design, so a success is remembered for a while: as an HMAC of the password under a random
 * key of this instance (never the password), next to the hash it was checked against, so that a changed
 * account is checked again.
 */
@Component
class AccountPasswords {

    private static final int MAX_REMEMBERED = 10_000;
    private static final Duration ACCOUNTS_TIMEOUT = Duration.ofSeconds(5);

    private final AccountBook accounts;
    private final Duration verifiedFor;
    private final PasswordEncoder passwords = new DelegatingPasswordEncoder("bcrypt",
            Map.of("bcrypt", new BCryptPasswordEncoder()));
    private final SecretKeySpec macKey;
    /** Checked for a user without an account, so that the answer takes as long as for one with. */
    private final String noAccount;
    private final Map<UserId, Verified> verified = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UserId, Verified> eldest) {
            return size() > MAX_REMEMBERED;
        }
    };

    AccountPasswords(AccountBook accounts, HistoryProperties properties) {
        this.accounts = accounts;
        this.verifiedFor = properties.auth().verifiedFor();
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.macKey = new SecretKeySpec(key, "HmacSHA256");
        this.noAccount = passwords.encode(HexFormat.of().formatHex(key));
    }

    /**
     * The user, if the password is theirs.
     *
     * @throws HistoryUnavailableException (503) while this instance has not read the accounts yet
     */
    Optional<UserId> verify(BasicCredentials credentials) {
        UserId user;
        try {
            user = UserId.of(credentials.user());
        } catch (InvalidIdException e) {
            return Optional.empty();
        }
        if (!accounts.awaitReady(ACCOUNTS_TIMEOUT)) {
            throw new HistoryUnavailableException("the chat accounts have not been read yet", null);
        }
        Optional<String> hash = accounts.passwordHash(user);
        if (hash.isEmpty()) {
            matches(credentials.password(), noAccount);
            return Optional.empty();
        }
        byte[] mac = mac(user, credentials.password());
        long now = System.nanoTime();
        synchronized (verified) {
            Verified known = verified.get(user);
            if (known != null && known.hash().equals(hash.get()) && now - known.at() < verifiedFor.toNanos()
                    && MessageDigest.isEqual(known.mac(), mac)) {
                return Optional.of(user);
            }
        }
        if (!matches(credentials.password(), hash.get())) {
            return Optional.empty();
        }
        if (!verifiedFor.isZero()) {
            synchronized (verified) {
                verified.put(user, new Verified(hash.get(), mac, now));
            }
        }
        return Optional.of(user);
    }

    private boolean matches(String password, String hash) {
        try {
            return passwords.matches(password, hash);
        } catch (IllegalArgumentException e) {
            return false; // longer than BCrypt reads, or a hash of an unknown kind
        }
    }

    private byte[] mac(UserId user, String password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(macKey);
            mac.update(user.value().getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return mac.doFinal(password.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }

    /** A successful check: the hash it passed, the HMAC of the password that passed, when (nanoTime). */
    private record Verified(String hash, byte[] mac, long at) {
    }
}
