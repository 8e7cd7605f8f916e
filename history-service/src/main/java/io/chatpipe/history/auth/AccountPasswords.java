package io.chatpipe.history.auth;

import io.chatpipe.events.InvalidIdException;
import io.chatpipe.events.UserId;
import io.chatpipe.events.auth.ApiKeyRing.BasicCredentials;
import io.chatpipe.events.auth.HashingGate;
import io.chatpipe.events.auth.LoginThrottle;
import io.chatpipe.history.config.HistoryProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Checks a user's chat password against the BCrypt hash of their account. A BCrypt check costs tens of
 * milliseconds by design, so a success is remembered for a while: as an HMAC of the password under a random
 * key of this instance (never the password), next to the hash it was checked against, so that a changed
 * account is checked again.
 *
 * <p>Failed logins are counted by account and client address ({@link LoginThrottle}); beyond the bound a login is
 * refused (429) before anything is checked, the remembered successes included: they answer in a microsecond, and
 * would otherwise let a locked account's password be guessed at that speed. BCrypt runs through a
 * {@link HashingGate} (503 beyond it; such a refusal counts against an address with failures on its record, as
 * {@link LoginThrottle#refusedUnchecked} says). Metrics, with {@code door=history}: {@code chatpipe.logins.failed},
 * {@code chatpipe.logins.throttled}, {@code chatpipe.logins.busy}; and {@code chatpipe.logins.hashes}.
 */
@Component
class AccountPasswords {

    private static final Logger log = LoggerFactory.getLogger(AccountPasswords.class);
    private static final int MAX_REMEMBERED = 10_000;
    private static final String DOOR = "history";
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

    private final LoginThrottle throttle;
    private final HashingGate gate;
    private final Duration busyRetryAfter;
    private final Duration accountsRetryAfter;
    private final Counter failed;
    private final Counter throttled;
    private final Counter busy;

    AccountPasswords(AccountBook accounts, HistoryProperties properties, MeterRegistry meters) {
        this.accounts = accounts;
        this.verifiedFor = properties.auth().verifiedFor();
        HistoryProperties.Logins logins = properties.auth().logins();
        this.throttle = new LoginThrottle(new LoginThrottle.Bound(logins.accountFailures(), logins.window()),
                new LoginThrottle.Bound(logins.addressFailures(), logins.window()), logins.maxDelay());
        this.gate = new HashingGate(logins.concurrentHashes(), logins.queuedHashes(),
                new HashingGate.Budget(logins.hashingShare(), logins.hashingBurst()));
        this.busyRetryAfter = logins.busyRetryAfter();
        this.accountsRetryAfter = properties.query().retryAfter();
        this.failed = Counter.builder("chatpipe.logins.failed").tag("door", DOOR)
                .description("logins refused for a wrong password or an unknown account").register(meters);
        this.throttled = Counter.builder("chatpipe.logins.throttled").tag("door", DOOR)
                .description("logins refused unchecked: too many failures of the account or address").register(meters);
        this.busy = Counter.builder("chatpipe.logins.busy").tag("door", DOOR)
                .description("logins refused unchecked: too many passwords being hashed at once, or hashing's share "
                        + "of the cores spent").register(meters);
        FunctionCounter.builder("chatpipe.logins.hashes", gate, HashingGate::hashes)
                .description("BCrypt hashes and checks computed").register(meters);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.macKey = new SecretKeySpec(key, "HmacSHA256");
        this.noAccount = passwords.encode(HexFormat.of().formatHex(key));
    }

    /**
     * The user, if the password is theirs.
     *
     * @param address the client's address, by which failed logins are counted as well as by account
     * @throws LoginRefusedException (429) after too many failed logins, (503) while too many are checked or while
     *                               this instance has not read the accounts yet
     */
    Optional<UserId> verify(BasicCredentials credentials, String address) {
        UserId user;
        try {
            user = UserId.of(credentials.user());
        } catch (InvalidIdException e) {
            user = null;
        }
        String account = user == null ? credentials.user() : user.value();
        Optional<Duration> wait = throttle.retryAfter(account, address);
        if (wait.isPresent()) {
            throttled.increment();
            throw LoginRefusedException.throttled(wait.get());
        }
        Optional<UserId> found;
        try {
            found = user == null ? Optional.empty() : check(user, credentials.password());
        } catch (LoginRefusedException busy) {
            // a guesser faster than we hash is still guessing: counted by address (not account) all the same
            throttle.refusedUnchecked(address).forEach(AccountPasswords::logLock);
            throw busy;
        }
        if (found.isPresent()) {
            throttle.succeeded(account);
        } else {
            failed.increment();
            throttle.failed(account, address).forEach(AccountPasswords::logLock);
        }
        return found;
    }

    private static void logLock(LoginThrottle.Lock lock) {
        log.warn("Refusing logins of {} {} for {} s: {} failed within {} s", lock.kind(), lock.key(),
                lock.delay().toSeconds(), lock.bound().failures(), lock.bound().window().toSeconds());
    }

    private Optional<UserId> check(UserId user, String password) {
        if (!accounts.awaitReady(ACCOUNTS_TIMEOUT)) {
            throw LoginRefusedException.accountsUnread(accountsRetryAfter);
        }
        Optional<String> hash = accounts.passwordHash(user);
        if (hash.isEmpty()) {
            matches(password, noAccount);
            return Optional.empty();
        }
        byte[] mac = mac(user, password);
        long now = System.nanoTime();
        synchronized (verified) {
            Verified known = verified.get(user);
            if (known != null && known.hash().equals(hash.get()) && now - known.at() < verifiedFor.toNanos()
                    && MessageDigest.isEqual(known.mac(), mac)) {
                return Optional.of(user);
            }
        }
        if (!matches(password, hash.get())) {
            return Optional.empty();
        }
        if (!verifiedFor.isZero()) {
            synchronized (verified) {
                verified.put(user, new Verified(hash.get(), mac, now));
            }
        }
        return Optional.of(user);
    }

    /** @throws LoginRefusedException (503) when too many passwords are being hashed to take this one */
    private boolean matches(String password, String hash) {
        Optional<Boolean> matches = gate.hash(() -> {
            try {
                return passwords.matches(password, hash);
            } catch (IllegalArgumentException e) {
                return false; // longer than BCrypt reads, or a hash of an unknown kind
            }
        });
        if (matches.isEmpty()) {
            busy.increment();
            Duration budget = gate.retryAfter();
            throw LoginRefusedException.busy(budget.compareTo(busyRetryAfter) > 0 ? budget : busyRetryAfter);
        }
        return matches.get();
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
