package io.chatpipe.api.config;

import io.chatpipe.events.XmppPassword;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The api-service's own settings, under {@code chatpipe.api}. Kafka connection settings stay in
 * Spring Boot's {@code spring.kafka.*}.
 */
@Validated
@ConfigurationProperties("chatpipe.api")
public record ApiProperties(
        @Valid @DefaultValue Publish publish,
        @Valid @DefaultValue Limits limits,
        @Valid @DefaultValue Auth auth,
        @Valid @DefaultValue WebSocket websocket,
        @Valid @DefaultValue Chat chat,
        @Valid @DefaultValue History history,
        @Valid @DefaultValue Xmpp xmpp,
        @Valid @DefaultValue Logins logins) {

    /**
     * How long a request may wait on Kafka before it is answered 503: together these bound every request.
     *
     * @param maxBlock        longest wait for topic metadata or buffer space ({@code max.block.ms})
     * @param deliveryTimeout longest wait for the broker's acknowledgement, retries included
     *                        ({@code delivery.timeout.ms})
     * @param retryAfter      what the {@code Retry-After} header of a 503 tells the client
     */
    public record Publish(
            @DefaultValue("3s") Duration maxBlock,
            @DefaultValue("5s") Duration deliveryTimeout,
            @DefaultValue("5s") Duration retryAfter) {

        public Publish {
            requirePositive("max-block", maxBlock);
            requirePositive("delivery-timeout", deliveryTimeout);
            requirePositive("retry-after", retryAfter);
        }

        /** How long a request waits for the acknowledgement after the send: the producer's deadline, and a margin. */
        public Duration acknowledgementTimeout() {
            return deliveryTimeout.plusSeconds(1);
        }

        private static void requirePositive(String name, Duration value) {
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("chatpipe.api.publish." + name + " must be positive");
            }
        }
    }

    /**
     * @param maxRequestBody a larger request body is refused with 413 before it is read
     * @param maxBatchItems  a batch with more messages is refused with 413
     */
    public record Limits(
            @DefaultValue("1MB") DataSize maxRequestBody,
            @DefaultValue("1000") @Min(1) int maxBatchItems) {
    }

    /**
     * API keys of the applications that post messages over REST ({@code Authorization: Bearer <key>}).
     *
     * @param required whether the message endpoints refuse a request without a valid key; off by default
     *                 so that a bare start (tests, the end-to-end test) works; the local stack turns it on
     * @param keys     the keys, each by the SHA-256 of its secret: the secrets themselves are never configured
     */
    public record Auth(
            @DefaultValue("false") boolean required,
            @DefaultValue List<@Valid ApiKey> keys) {

        public Auth {
            keys = List.copyOf(keys);
            if (required && keys.isEmpty()) {
                throw new IllegalArgumentException("chatpipe.api.auth.required is true but no "
                        + "chatpipe.api.auth.keys[n] are configured: no request could ever be accepted");
            }
            var names = new HashSet<String>();
            var hashes = new HashSet<String>();
            for (ApiKey key : keys) {
                if (!names.add(key.name())) {
                    throw new IllegalArgumentException("chatpipe.api.auth.keys: the name '" + key.name()
                            + "' is given twice");
                }
                if (key.secretSha256() != null && !hashes.add(key.secretSha256().toLowerCase(Locale.ROOT))) {
                    throw new IllegalArgumentException("chatpipe.api.auth.keys: '" + key.name()
                            + "' has the same secret as another key");
                }
            }
        }
    }

    /**
     * One application's key.
     *
     * @param name         who holds it; appears in logs, never the secret
     * @param secretSha256 the SHA-256 of the secret as sent in the header (UTF-8), in hex; the key itself
     *                     must be random and long (e.g. 32 random bytes), which makes a plain hash enough
     * @param senders      the user ids this key may send as; empty for any
     * @param rateLimit    how many messages this key may send (a batch counts each of its messages)
     */
    public record ApiKey(
            @NotBlank String name,
            @NotNull @Pattern(regexp = "[0-9a-fA-F]{64}", message = "must be the SHA-256 of the key in hex (64 digits)")
            String secretSha256,
            @DefaultValue List<String> senders,
            @Valid @DefaultValue RateLimit rateLimit) {
    }

    /**
     * A token bucket: up to {@code messages} at once, refilled at {@code messages} per {@code per}.
     * Each instance keeps its own buckets: N instances let a key send N times as much.
     */
    public record RateLimit(
            @DefaultValue("1000") @Min(1) long messages,
            @DefaultValue("1s") Duration per) {

        public RateLimit {
            if (per.isNegative() || per.isZero()) {
                throw new IllegalArgumentException("chatpipe.api.auth.keys[n].rate-limit.per must be positive");
            }
        }
    }

    /**
     * The chat WebSocket: seed 003's protocol at {@code /ws/chat?token=...} (and, when enabled, at seed 003's
     * own {@code /chat/{username}/{password}}).
     *
     * @param allowedOrigins     pages of other sites that may open it too, such as seed 003's React client at
     *                           {@code http://localhost:3000}; the service's own pages (http on 127.0.0.1 or
     *                           localhost at this instance's port) always may. A browser's {@code Origin} must be
     *                           one of them ({@code {port}} stands for this instance's port; localhost and
     *                           127.0.0.1 count as the same host); a client that sends no Origin is not a browser
     *                           and is let through to authenticate
     * @param legacyPasswordPath serve seed 003's endpoint, which puts the password in the URL (and so in
     *                           access logs and browser history); off unless a seed 003 client needs it
     * @param maxFrameSize       a larger frame is discarded unread and answered with ERROR
     * @param framesPerSecond    the sustained rate of frames one connection may send
     * @param burst              how many frames one connection may send at once
     * @param maxStrikes         ERROR answers to bad frames a connection may earn per minute; one more closes it
     * @param loginTokenTtl      how long a token from {@code POST /api/v1/sessions} stays redeemable (once)
     * @param sendTimeLimit      a client that takes longer to take a frame is disconnected
     * @param sendBufferLimit    frames waiting for a slow client, at most; beyond that it is disconnected
     * @param idleTimeout        a connection from which nothing (not even the pong to the server's ping, nor the
     *                           rest of a frame begun) arrives for this long is closed (1008); the server pings a
     *                           connection quiet for half of it, so an open browser page stays connected
     */
    public record WebSocket(
            List<String> allowedOrigins,
            @DefaultValue("false") boolean legacyPasswordPath,
            @DefaultValue("256KB") DataSize maxFrameSize,
            @DefaultValue("20") @Min(1) int framesPerSecond,
            @DefaultValue("40") @Min(1) int burst,
            @DefaultValue("5") @Min(1) int maxStrikes,
            @DefaultValue("30s") Duration loginTokenTtl,
            @DefaultValue("10s") Duration sendTimeLimit,
            @DefaultValue("1MB") DataSize sendBufferLimit,
            @DefaultValue("5m") Duration idleTimeout) {

        public WebSocket {
            allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
            if (idleTimeout.toMillis() < 100) {
                throw new IllegalArgumentException("chatpipe.api.websocket.idle-timeout must be at least 100ms");
            }
        }
    }

    /**
     * The WebSocket chat: accounts, contacts and presence (their topics' settings are the topic catalogue's).
     *
     * @param requestTimeout    how long a login or a contact change waits for Kafka (and, at start, for this
     *                          instance to have read the accounts) before it is refused
     * @param liveLookBack      while no session is open here, this instance does not read the live topics
     *                          (messages, deliveries) at all; when one opens, it reads them again from this long
     *                          (by record time) before the last moment it saw none open, so that nothing written
     *                          since is missed even from a producer whose clock is behind by up to this much
     * @param presenceHeartbeat how often each instance says again, on {@code chat.presence}, who is online on it
     * @param presenceLease     a user's presence on an instance not said again for this long is over: the instance
     *                          is taken for dead (killed, cut off), and the user's contacts are told LEAVE unless the
     *                          user is online elsewhere; three heartbeats or more, so that one late one is no LEAVE
     */
    public record Chat(
            @DefaultValue("10s") Duration requestTimeout,
            @DefaultValue("5s") Duration liveLookBack,
            @DefaultValue("10s") Duration presenceHeartbeat,
            @DefaultValue("30s") Duration presenceLease) {

        public Chat {
            if (presenceHeartbeat.toMillis() < 10 || presenceLease.compareTo(presenceHeartbeat.multipliedBy(2)) < 0) {
                throw new IllegalArgumentException("chatpipe.api.chat.presence-heartbeat must be at least 10ms and "
                        + "presence-lease at least twice as long");
            }
        }
    }

    /**
     * Where the chat page's history comes from: history-service's query API, asked by this service for a
     * logged-in user's own conversations (so the browser needs no access to history-service).
     *
     * @param apiKey the API key this service sends history-service ({@code Authorization: Bearer <key>}) when
     *               history-service requires credentials: one of {@code chatpipe.history.auth.keys}, with no
     *               senders, as this service itself lets a user read only their own conversations; unset sends none
     */
    public record History(
            @DefaultValue("http://127.0.0.1:8081") @NotNull URI url,
            @DefaultValue("5s") Duration timeout,
            @DefaultValue("200") @Min(1) @Max(1000) int messages,
            String apiKey) {
    }

    /**
     * What {@code POST /api/v1/xmpp-credentials} hands a user who proves their chat password, so that they can
     * log into their own XMPP account with any XMPP client: the password the delivery worker gave the account
     * when it created it ({@code XmppPassword}), and where the server is.
     *
     * @param passwordKey base64 of at least 32 bytes: the worker's {@code chatpipe.worker.provisioning.password-key}.
     *                    A secret of the deployment, so it has no default; without it the endpoint answers 503
     * @param domain      the accounts' XMPP domain: the worker's {@code chatpipe.worker.xmpp-domain}
     * @param host        where XMPP clients connect
     * @param port        the XMPP server's client-to-server port
     */
    public record Xmpp(
            String passwordKey,
            @DefaultValue("localhost") @NotBlank String domain,
            @DefaultValue("127.0.0.1") @NotBlank String host,
            @DefaultValue("5222") @Min(1) @Max(65535) int port) {

        public Xmpp {
            passwordKey = passwordKey == null || passwordKey.isBlank() ? null : passwordKey.strip();
            key(passwordKey);   // a key the worker would refuse fails the start here too
        }

        /** The key's bytes, decoded as the worker decodes it; empty when none is configured. */
        public Optional<byte[]> passwordKeyBytes() {
            return Optional.ofNullable(key(passwordKey));
        }

        private static byte[] key(String base64) {
            if (base64 == null) {
                return null;
            }
            byte[] key;
            try {
                key = Base64.getDecoder().decode(base64);
            } catch (IllegalArgumentException e) {
                // the message would quote the key
                throw new IllegalArgumentException("chatpipe.api.xmpp.password-key is not base64");
            }
            if (key.length < XmppPassword.MIN_KEY_BYTES) {
                throw new IllegalArgumentException("chatpipe.api.xmpp.password-key must have at least "
                        + XmppPassword.MIN_KEY_BYTES + " bytes");
            }
            return key;
        }

        @Override
        public String toString() {
            return "Xmpp[passwordKey=" + (passwordKey == null ? "none" : "******") + ", domain=" + domain
                    + ", host=" + host + ", port=" + port + "]";
        }
    }

    /**
     * Every door that checks a chat password ({@code POST /api/v1/sessions}, {@code POST /api/v1/xmpp-credentials},
     * the legacy WebSocket path): failed logins are counted by account and by client address, and beyond the bound
     * a login is refused with 429 and {@code Retry-After} before any hash is computed (see
     * {@code io.chatpipe.events.auth.LoginThrottle}); and BCrypt runs only so many at once, and takes only so much of
     * the cores. A login refused for want of room to hash it counts against an address with failures on its record.
     * The counts are each instance's own: N instances let a guesser try N times the bound.
     *
     * @param accountFailures  failed logins of one account let through within {@code window}; the one that reaches
     *                         the bound locks the account for {@code window / account-failures}, each failure after a
     *                         lock locks it again for twice as long
     * @param addressFailures  the same for one client address (the TCP peer, or what a trusted proxy says with
     *                         {@code server.forward-headers-strategy}); higher, as many users may share an address
     * @param window           over which failures are counted
     * @param maxDelay         the longest a lock grows to
     * @param concurrentHashes BCrypt hashes computed at once; 0 for half the cores (at least one)
     * @param queuedHashes     hashes that may wait for a turn; a login beyond them is refused with 503 and
     *                         {@code Retry-After}, so that a flood of logins cannot take the request threads
     * @param hashingShare     of all the cores' time, what BCrypt may take, measured over {@code hashing-burst}; a
     *                         login beyond it is refused with 503 and {@code Retry-After}, so that a flood from many
     *                         addresses, which no count of failures stops, takes no more (see
     *                         {@code io.chatpipe.events.auth.HashingGate})
     * @param hashingBurst     over which that share is measured: a flood takes up to {@code concurrent-hashes} cores
     *                         for about this long before the share holds it
     * @param busyRetryAfter   what those 503s tell the client to wait, at least (longer when the share is spent)
     */
    public record Logins(
            @DefaultValue("10") @Min(1) int accountFailures,
            @DefaultValue("50") @Min(1) int addressFailures,
            @DefaultValue("5m") Duration window,
            @DefaultValue("1h") Duration maxDelay,
            @DefaultValue("0") @Min(0) int concurrentHashes,
            @DefaultValue("4") @Min(0) int queuedHashes,
            @DefaultValue("0.25") double hashingShare,
            @DefaultValue("5s") Duration hashingBurst,
            @DefaultValue("1s") Duration busyRetryAfter) {

        public Logins {
            if (window.isNegative() || window.isZero() || maxDelay.isNegative() || maxDelay.isZero()) {
                throw new IllegalArgumentException("chatpipe.api.logins.window and .max-delay must be positive");
            }
            if (!(hashingShare > 0 && hashingShare <= 1) || hashingBurst.isNegative() || hashingBurst.isZero()) {
                throw new IllegalArgumentException(
                        "chatpipe.api.logins.hashing-share must be more than 0 and at most 1, .hashing-burst positive");
            }
        }
    }
}
