package io.chatpipe.history.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * history-service settings, prefix {@code chatpipe.history}.
 *
 * @param streams the Kafka Streams application that materializes the history
 * @param topics  how the topics history reads and writes are created when history-service is the first to
 *                need them
 * @param query   limits of the query API
 * @param audit   the audit read straight from {@code chat.messages}
 * @param auth    who may read what: API keys (as the api-service's) and users with their chat accounts
 * @param redeliver a redelivery to run on start, if any
 */
@Validated
@ConfigurationProperties("chatpipe.history")
public record HistoryProperties(
        @Valid @DefaultValue Streams streams,
        @Valid @DefaultValue Query query,
        @Valid @DefaultValue Audit audit,
        @Valid @DefaultValue Auth auth,
        @Valid @DefaultValue Redeliver redeliver) {

    /**
     * @param applicationId     Kafka Streams {@code application.id}: consumer group and prefix of internal topics;
     *                          every instance of one history shares it
     * @param stateDir          where the RocksDB stores live; each instance needs its own
     * @param applicationServer {@code host:port} at which the other instances reach this one's REST API
     *                          (Kafka Streams {@code application.server}); empty means server.address and the
     *                          port the web server actually listens on
     * @param standbyReplicas   warm copies of each store on other instances, for a faster fail-over
     * @param rebuild           on start, reset the application (consumer group, changelog and repartition topics)
     *                          and wipe local state, so that the stores are rebuilt from the topics; refused while
     *                          any instance of the application runs
     * @param instanceId        this instance's static identity in the consumer group ({@code group.instance.id}):
     *                          an instance restarted under the same id, even after a kill -9, takes its partitions
     *                          back at once instead of waiting for its old self's session to time out. Empty: this
     *                          machine's name and a digest of the state directory's absolute path, stable across
     *                          restarts and distinct for every instance (each has its own state directory);
     *                          {@code none}: dynamic membership
     */
    public record Streams(
            @DefaultValue("chatpipe-history") @NotBlank String applicationId,
            @DefaultValue(".data/history-service") @NotNull Path stateDir,
            @DefaultValue("") @Pattern(regexp = "|[^:\\s]+:\\d{1,5}") String applicationServer,
            @DefaultValue("0") @Min(0) int standbyReplicas,
            @DefaultValue("false") boolean rebuild,
            @DefaultValue("") @Pattern(regexp = "[A-Za-z0-9._-]{0,200}") String instanceId) {

        /** The {@code group.instance.id} to use, or empty for dynamic membership. */
        public Optional<String> groupInstanceId() {
            if (instanceId.equals("none")) {
                return Optional.empty();
            }
            return Optional.of(instanceId.isEmpty() ? derivedInstanceId() : instanceId);
        }

        private String derivedInstanceId() {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "localhost";
            }
            String where = stateDir.toAbsolutePath().normalize().toString();
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(where.getBytes(StandardCharsets.UTF_8));
                return host.replaceAll("[^A-Za-z0-9.-]", "_") + "-" + HexFormat.of().formatHex(digest, 0, 6);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is part of every JDK", e);
            }
        }
    }

    /**
     * @param defaultLimit   messages in a page when the client names no limit
     * @param maxLimit       most messages one page may hold; a larger limit is refused with 400
     * @param retryAfter     what a 503 tells the client to wait while the stores are not ready
     * @param forwardTimeout how long a query forwarded to the instance that owns its key may take
     */
    public record Query(
            @DefaultValue("50") @Min(1) int defaultLimit,
            @DefaultValue("200") @Min(1) @Max(10_000) int maxLimit,
            @DefaultValue("1s") @NotNull Duration retryAfter,
            @DefaultValue("5s") @NotNull Duration forwardTimeout) {
    }

    /**
     * @param clockSkew how far a record's Kafka timestamp may stray from the message's acceptedAt: the audit starts
     *                  reading this much before {@code from} and filters by acceptedAt
     * @param stallTimeout how long the audit waits for a partition that stops returning records before it ends
     *                     the stream (and a redelivery of a range fails)
     */
    public record Audit(
            @DefaultValue("1m") @NotNull Duration clockSkew,
            @DefaultValue("30s") @NotNull Duration stallTimeout) {
    }

    /**
     * Credentials, the same as the api-service's: API keys sent as {@code Authorization: Bearer <key>}, and
     * users' chat accounts (from {@code chat.accounts}) sent as HTTP Basic user id and password.
     *
     * @param required    false lets every request read everything (tests, a loopback-only history); ./chatpipe run
     *                    sets it true
     * @param keys        the API keys; {@code senders} limit a key to conversations of those users
     * @param verifiedFor how long a user's password, once checked against its BCrypt hash, is taken without
     *                    checking again (the password itself is not kept: only an HMAC of it under a key of this
     *                    instance); zero checks every request
     * @param logins      failed logins with chat accounts, and how many passwords are hashed at once
     */
    public record Auth(
            @DefaultValue("false") boolean required,
            @DefaultValue List<@Valid ApiKey> keys,
            @DefaultValue("10m") @NotNull Duration verifiedFor,
            @Valid @DefaultValue Logins logins) {

        public Auth {
            keys = List.copyOf(keys);
        }
    }

    /**
     * HTTP Basic logins with chat accounts, as the api-service bounds its own ({@code chatpipe.api.logins}): failed
     * logins counted by account and by client address, on this instance; beyond the bound a request is refused
     * with 429 and {@code Retry-After} before its password is hashed, or checked against the remembered success.
     *
     * @param accountFailures  failed logins of one account let through within {@code window}; the one that reaches
     *                         the bound locks the account for {@code window / account-failures}, each failure after a
     *                         lock locks it again for twice as long
     * @param addressFailures  the same for one client address
     * @param window           over which failures are counted
     * @param maxDelay         the longest a lock grows to
     * @param concurrentHashes BCrypt checks at once; 0 for half the cores (at least one)
     * @param queuedHashes     checks that may wait for a turn; a request beyond them is refused with 503 and
     *                         {@code Retry-After}
     * @param hashingShare     of all the cores' time, what BCrypt may take, measured over {@code hashing-burst};
     *                         a request beyond it is refused with 503 and {@code Retry-After}
     * @param hashingBurst     over which that share is measured
     * @param busyRetryAfter   what those 503s tell the client to wait, at least (longer when the share is spent)
     */
    public record Logins(
            @DefaultValue("10") @Min(1) int accountFailures,
            @DefaultValue("50") @Min(1) int addressFailures,
            @DefaultValue("5m") @NotNull Duration window,
            @DefaultValue("1h") @NotNull Duration maxDelay,
            @DefaultValue("0") @Min(0) int concurrentHashes,
            @DefaultValue("4") @Min(0) int queuedHashes,
            @DefaultValue("0.25") double hashingShare,
            @DefaultValue("5s") @NotNull Duration hashingBurst,
            @DefaultValue("1s") @NotNull Duration busyRetryAfter) {

        public Logins {
            if (window.isNegative() || window.isZero() || maxDelay.isNegative() || maxDelay.isZero()) {
                throw new IllegalArgumentException("chatpipe.history.auth.logins.window and .max-delay must be positive");
            }
            if (!(hashingShare > 0 && hashingShare <= 1) || hashingBurst.isNegative() || hashingBurst.isZero()) {
                throw new IllegalArgumentException("chatpipe.history.auth.logins.hashing-share must be more than 0 "
                        + "and at most 1, .hashing-burst positive");
            }
        }
    }

    /**
     * One API key, configured as in the api-service ({@code chatpipe.api.auth.keys[n]}; a rate-limit there is
     * ignored here), plus its roles.
     *
     * @param secretSha256 hex SHA-256 of the key: the key itself is never configured
     * @param senders      the users whose conversations, inboxes and messages the key may read; empty: anyone's
     * @param roles        {@code audit}: GET /api/v1/audit/messages; {@code admin}: erase a user's messages
     */
    public record ApiKey(
            @NotBlank String name,
            @NotNull @Pattern(regexp = "[0-9a-fA-F]{64}", message = "must be the SHA-256 of the key in hex (64 digits)")
            String secretSha256,
            @DefaultValue List<String> senders,
            @DefaultValue Set<Role> roles) {
    }

    /** What an API key may do beyond reading conversations. */
    public enum Role {
        /** Read the audit of accepted messages. */
        AUDIT,
        /** Erase a user's messages. */
        ADMIN
    }

    /**
     * Redelivery: writes accepted messages to chat.messages again (same key, same message id), for the delivery
     * worker to deliver again, once, when the service starts with one of these set. ./chatpipe redeliver starts
     * it without web server and without Kafka Streams, so that it ends when done.
     *
     * @param from        first instant (inclusive, by acceptedAt) of a range of chat.messages to deliver again
     * @param to          end of that range (exclusive)
     * @param deadLetters deliver again the messages in chat.messages.dlq (only those accepted in from/to when
     *                    given) instead of a range of chat.messages
     */
    public record Redeliver(
            Instant from,
            Instant to,
            @DefaultValue("false") boolean deadLetters) {

        public Redeliver {
            if ((from == null) != (to == null)) {
                throw new IllegalArgumentException("chatpipe.history.redeliver.from and .to go together");
            }
            if (from != null && !from.isBefore(to)) {
                throw new IllegalArgumentException("chatpipe.history.redeliver.to must be after .from");
            }
        }

        public boolean requested() {
            return from != null || deadLetters;
        }
    }
}
