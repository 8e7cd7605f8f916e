package io.chatpipe.api.account;

import io.chatpipe.api.config.ApiProperties;
import io.chatpipe.api.live.KafkaTail;
import io.chatpipe.events.AccountRegistered;
import io.chatpipe.events.ChatEvent;
import io.chatpipe.events.InvalidIdException;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.events.auth.HashingGate;
import io.chatpipe.events.auth.LoginThrottle;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Seed 003's accounts: a username and a password, the account created on the first login. Passwords are
 * kept only as BCrypt hashes (Spring Security's {@code {bcrypt}...} form), in {@code chat.accounts}.
 *
 * <p>Two first logins of one user may race, on two instances or one. Both write a registration; the first
 * in the partition's order is the account, everywhere. The losing login then holds only if its password
 * is the winner's, and it writes the winner again: {@code chat.accounts} is compacted, which keeps a key's
 * latest record, and the latest must be the winner for an instance that starts after compaction to agree.
 */
@Component
public class Accounts {

    /** BCrypt reads at most this many bytes of a password; a longer one would be silently cut. */
    static final int MAX_PASSWORD_BYTES = 72;

    private static final Logger log = LoggerFactory.getLogger(Accounts.class);

    /** The ways in that check a chat password, as the metrics name them. */
    public enum Door {
        SESSIONS, XMPP_CREDENTIALS, LEGACY_WEBSOCKET;

        String tag() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** The counters of one door. */
    private record DoorCounters(Counter failed, Counter throttled, Counter busy) {
    }

    private final AccountBook book;
    private final KafkaTail tail;
    private final KafkaTemplate<UserId, ChatEvent> template;
    private final Duration timeout;
    private final PasswordEncoder passwords = new DelegatingPasswordEncoder("bcrypt",
            Map.of("bcrypt", new BCryptPasswordEncoder()));
    private final Clock clock = Clock.systemUTC();
    private final LoginThrottle throttle;
    private final HashingGate gate;
    private final Duration busyRetryAfter;
    private final Map<Door, DoorCounters> counters = new EnumMap<>(Door.class);

    Accounts(AccountBook book, KafkaTail tail, KafkaTemplate<UserId, ChatEvent> template, ApiProperties properties,
            MeterRegistry meters) {
        this.book = book;
        this.tail = tail;
        this.template = template;
        this.timeout = properties.chat().requestTimeout();
        ApiProperties.Logins logins = properties.logins();
        this.throttle = new LoginThrottle(new LoginThrottle.Bound(logins.accountFailures(), logins.window()),
                new LoginThrottle.Bound(logins.addressFailures(), logins.window()), logins.maxDelay());
        this.gate = new HashingGate(logins.concurrentHashes(), logins.queuedHashes(),
                new HashingGate.Budget(logins.hashingShare(), logins.hashingBurst()));
        this.busyRetryAfter = logins.busyRetryAfter();
        for (Door door : Door.values()) {
            counters.put(door, new DoorCounters(
                    Counter.builder("chatpipe.logins.failed").tag("door", door.tag())
                            .description("logins refused for a wrong password or an unknown account").register(meters),
                    Counter.builder("chatpipe.logins.throttled").tag("door", door.tag())
                            .description("logins refused unchecked: too many failures of the account or address")
                            .register(meters),
                    Counter.builder("chatpipe.logins.busy").tag("door", door.tag())
                            .description("logins refused unchecked: too many passwords being hashed at once, "
                                    + "or hashing's share of the cores spent")
                            .register(meters)));
        }
        FunctionCounter.builder("chatpipe.logins.hashes", gate, HashingGate::hashes)
                .description("BCrypt hashes and checks computed").register(meters);
    }

    /**
     * Logs in, creating the account when there is none.
     *
     * @param address the client's address, by which failed logins are counted as well as by account
     */
    public Login login(String username, String password, Door door, String address) {
        return counted(check(username, password, true, address), door);
    }

    /**
     * Checks a password against an existing account, creating none. An unknown user is a
     * {@link Login.WrongPassword} too, so that the caller cannot tell the two apart.
     */
    public Login verify(String username, String password, Door door, String address) {
        return counted(check(username, password, false, address), door);
    }

    private Login counted(Login login, Door door) {
        DoorCounters counter = counters.get(door);
        switch (login) {
            case Login.WrongPassword wrong -> counter.failed().increment();
            case Login.Throttled throttled -> counter.throttled().increment();
            case Login.Busy busy -> counter.busy().increment();
            default -> {
            }
        }
        return login;
    }

    private Login check(String username, String password, boolean register, String address) {
        UserId user;
        try {
            user = UserId.of(username);
        } catch (InvalidIdException e) {
            return new Login.Invalid("username", e.getMessage());
        }
        if (password == null || password.isEmpty()) {
            return new Login.Invalid("password", "must not be empty");
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            return new Login.Invalid("password", "must be at most " + MAX_PASSWORD_BYTES + " bytes in UTF-8");
        }
        // before anything costs: a throttled guess is answered from a map, never hashed
        Optional<Duration> wait = throttle.retryAfter(user.value(), address);
        if (wait.isPresent()) {
            return new Login.Throttled(wait.get());
        }
        if (!tail.awaitReady(timeout)) {
            return new Login.Unavailable("this instance has not read the accounts from Kafka yet; try again later");
        }
        Optional<AccountRegistered> account = book.find(user);
        Login login = account.isPresent() ? check(account.get(), password)
                : register ? register(user, password) : new Login.WrongPassword(user);
        switch (login) {
            case Login.WrongPassword wrong -> throttle.failed(user.value(), address).forEach(Accounts::logLock);
            // a guesser faster than we hash is still guessing: counted by address (not account) all the same
            case Login.Busy busy -> throttle.refusedUnchecked(address).forEach(Accounts::logLock);
            case Login.Success success -> throttle.succeeded(user.value());
            default -> {
            }
        }
        return login;
    }

    private static void logLock(LoginThrottle.Lock lock) {
        log.warn("Refusing logins of {} {} for {} s: {} failed within {} s", lock.kind(), lock.key(),
                lock.delay().toSeconds(), lock.bound().failures(), lock.bound().window().toSeconds());
    }

    private Login.Busy busy() {
        Duration budget = gate.retryAfter();
        return new Login.Busy(budget.compareTo(busyRetryAfter) > 0 ? budget : busyRetryAfter);
    }

    private Login check(AccountRegistered account, String password) {
        return gate.hash(() -> passwords.matches(password, account.passwordHash()))
                .<Login>map(matches -> matches ? new Login.Success(account.userId(), false)
                        : new Login.WrongPassword(account.userId()))
                .orElseGet(this::busy);
    }

    private Login register(UserId user, String password) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<String> hash = gate.hash(() -> passwords.encode(password));
        if (hash.isEmpty()) {
            return busy();
        }
        AccountRegistered mine = AccountRegistered.of(user, hash.get(), clock.instant());
        RecordMetadata written;
        try {
            written = write(mine, deadline);
        } catch (TimeoutException | ExecutionException | RuntimeException e) {
            log.warn("Could not register the account of {}: {}", user, e.toString());
            return new Login.Unavailable("the account could not be stored; try again later");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Login.Unavailable("interrupted");
        }
        if (!tail.awaitRead(Topics.ACCOUNTS, written.partition(), written.offset(), left(deadline))) {
            return new Login.Unavailable("the account was stored but not yet read back; try again");
        }
        AccountRegistered winner = book.find(user).orElseThrow();
        if (winner.passwordHash().equals(mine.passwordHash())) {
            log.info("Created the chat account of {}", user);
            return new Login.Success(user, true);
        }
        log.info("Two first logins of {} raced; the earlier registration is the account", user);
        try {
            write(winner, deadline);
        } catch (TimeoutException | ExecutionException | RuntimeException e) {
            log.warn("Could not write the winning registration of {} again: {}", user, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return check(winner, password);
    }

    private RecordMetadata write(AccountRegistered registration, long deadline)
            throws InterruptedException, ExecutionException, TimeoutException {
        return template.send(Topics.ACCOUNTS.name(), registration.userId(), registration)
                .get(left(deadline).toMillis(), TimeUnit.MILLISECONDS).getRecordMetadata();
    }

    private static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
    }
}
