package io.chatpipe.worker.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Everything the delivery worker can be told, under {@code chatpipe.worker}. The defaults match
 * {@code ./chatpipe run}: ejabberd on loopback, domain {@code localhost}.
 *
 * @param backend    the delivery path: {@code ejabberd-api}, {@code smack} or {@code openfire}; each path's
 *                   components say which they belong to with {@link ConditionalOnBackend}
 * @param xmppDomain the XMPP domain users are created on and addressed at
 */
@Validated
@ConfigurationProperties("chatpipe.worker")
public record WorkerProperties(
        @DefaultValue("ejabberd-api") @NotNull Backend backend,
        @DefaultValue("localhost") @NotBlank String xmppDomain,
        @DefaultValue @Valid Ejabberd ejabberd,
        @DefaultValue @Valid Smack smack,
        @DefaultValue @Valid Openfire openfire,
        @DefaultValue @Valid Provisioning provisioning,
        @DefaultValue @Valid Retry retry,
        @DefaultValue @Valid Consumer consumer,
        @DefaultValue @Valid Users users) {

    /** The ways to hand a message to the XMPP server. */
    public enum Backend {
        /** ejabberd's admin API (mod_http_api): register, send_stanza, add_rosteritem. */
        EJABBERD_API,
        /** Standard XMPP client connections, logged in as the sender: any server. */
        SMACK,
        /** Openfire's REST API plugin for accounts and rosters, Smack connections for messages. */
        OPENFIRE
    }

    /**
     * ejabberd's admin API (mod_http_api).
     *
     * @param apiUrl         the base URL; each command is a POST to {@code {apiUrl}/{command}}
     * @param connectTimeout how long to wait for a connection
     * @param replyTimeout   how long ejabberd may keep a command waiting at each step: to take the request, and
     *                       to send each part of its answer (so a command may take a few times this, never forever)
     * @param maxIdleConnections keep-alive connections kept open for the next commands
     * @param auth           how the worker proves itself to the API; none by default (loopback)
     * @param confirmBy      what makes a message count as delivered: its recipient's archive row, seen on
     *                       {@code chat.deliveries} as captured ({@code archive}), or the recipient's sessions
     *                       having handled it ({@code sessions}, for servers whose archive is not captured)
     * @param confirmPatience with {@code sessions}: how long a recipient's session that has not yet handled what
     *                       was sent to it is asked again, before the messages are sent again (see
     *                       {@code SessionBarrier})
     * @param archivePatience with {@code archive}: how long a message's archive row may take to show, before the
     *                       message is sent again
     * @param evidenceLookBack with {@code archive}: how far back, by record time, {@code chat.deliveries} is read at
     *                       start, so that a message stored before a restart is not sent again
     */
    public record Ejabberd(
            @DefaultValue("http://127.0.0.1:5280/api") @NotNull URI apiUrl,
            @DefaultValue("2s") @NotNull Duration connectTimeout,
            @DefaultValue("10s") @NotNull Duration replyTimeout,
            @DefaultValue("64") @Min(1) int maxIdleConnections,
            @DefaultValue @Valid ApiAuth auth,
            @DefaultValue("sessions") @NotNull ConfirmBy confirmBy,
            @DefaultValue("20s") @NotNull Duration confirmPatience,
            @DefaultValue("30s") @NotNull Duration archivePatience,
            @DefaultValue("10m") @NotNull Duration evidenceLookBack) {
    }

    /** What makes a message sent through ejabberd's admin API count as delivered. */
    public enum ConfirmBy {
        /**
         * Its recipient's archive row (MAM), which capture writes to {@code chat.deliveries} as STORED: durable
         * evidence, so only a message whose row never shows is sent again.
         */
        ARCHIVE,
        /**
         * A {@code user_sessions_info} call through each of the recipient's sessions after it, and a blind re-send
         * of what was confirmed just before ejabberd went away: for a server whose archive is not captured.
         */
        SESSIONS
    }

    /**
     * Credentials for an HTTP admin API: HTTP Basic ({@code username} and {@code password}), or an
     * OAuth bearer token, or neither. Never shown in logs.
     */
    public record ApiAuth(String username, String password, String bearerToken) {

        public boolean basic() {
            return username != null && !username.isBlank();
        }

        public boolean bearer() {
            return bearerToken != null && !bearerToken.isBlank();
        }

        @Override
        public String toString() {
            return basic() ? "ApiAuth[basic " + username + ":******]" : bearer() ? "ApiAuth[bearer ******]" : "ApiAuth[none]";
        }
    }

    /**
     * Standard XMPP client connections (the {@code smack} and {@code openfire} paths).
     *
     * @param host            where the server's client port listens
     * @param port            the client port
     * @param requireTls      whether to insist on STARTTLS (off on loopback)
     * @param maxConnections  connections open at once, across all senders; an idle one is closed to
     *                        make room
     * @param idleTimeout     an unused connection is closed after this long
     * @param replyTimeout    how long to wait for the server's answer
     * @param accounts        how accounts are made: {@code in-band} registration (XEP-0077) or
     *                        {@code ejabberd-api}
     */
    public record Smack(
            @DefaultValue("127.0.0.1") @NotBlank String host,
            @DefaultValue("5222") @Min(1) int port,
            @DefaultValue("false") boolean requireTls,
            @DefaultValue("256") @Min(1) int maxConnections,
            @DefaultValue("60s") @NotNull Duration idleTimeout,
            @DefaultValue("10s") @NotNull Duration replyTimeout,
            @DefaultValue("in-band") @NotNull SmackAccounts accounts) {
    }

    /** Where the smack path gets accounts from. */
    public enum SmackAccounts {
        IN_BAND,
        EJABBERD_API
    }

    /**
     * Openfire's REST API plugin.
     *
     * @param apiUrl the plugin's base URL, up to and including {@code /plugins/restapi/v1}
     * @param secret the plugin's shared secret, sent as the {@code Authorization} header
     */
    public record Openfire(
            @DefaultValue("http://127.0.0.1:9090/plugins/restapi/v1") @NotNull URI apiUrl,
            String secret,
            @DefaultValue("2s") @NotNull Duration connectTimeout,
            @DefaultValue("10s") @NotNull Duration callTimeout) {

        @Override
        public String toString() {
            return "Openfire[apiUrl=" + apiUrl + ", secret=" + (secret == null ? "none" : "******") + "]";
        }
    }

    /**
     * @param passwordKey base64 key from which the password of every account the worker creates is
     *                    derived ({@code XmppPassword}); without one, a random key is made at startup
     *                    and nobody can log into the accounts created
     */
    public record Provisioning(String passwordKey) {

        @Override
        public String toString() {
            return "Provisioning[passwordKey=" + (passwordKey == null ? "none" : "******") + "]";
        }
    }

    /**
     * Backoff between attempts to deliver a message after a transient failure. Attempts go on
     * forever: the message waits, in order, until the server takes it.
     */
    public record Retry(
            @DefaultValue("500ms") @NotNull Duration initialInterval,
            @DefaultValue("2.0") @DecimalMin("1.0") double multiplier,
            @DefaultValue("30s") @NotNull Duration maxInterval) {

        /** The pause after the given failed attempt (1, 2, ...). */
        public Duration backoff(int attempt) {
            double millis = initialInterval.toMillis() * Math.pow(multiplier, attempt - 1);
            return Duration.ofMillis((long) Math.min(millis, maxInterval.toMillis()));
        }
    }

    /**
     * @param groupId     the consumer group the worker instances share {@code chat.messages} in
     * @param maxInFlight conversations sending at once in this instance (their confirmations wait apart); a
     *                    conversation's messages go one after the other, in rounds
     * @param maxBuffered messages read but not yet delivered, shared among the assigned partitions: a
     *                    partition with its share waiting pauses until half of them are done
     * @param commitInterval how often delivered offsets are committed
     * @param contactsGroupId the consumer group the worker instances share {@code chat.contacts} in,
     *                    to mirror contacts into XMPP rosters
     */
    public record Consumer(
            @DefaultValue("chatpipe-delivery") @NotBlank String groupId,
            @DefaultValue("64") @Min(1) int maxInFlight,
            @DefaultValue("5000") @Min(1) int maxBuffered,
            @DefaultValue("200ms") @NotNull Duration commitInterval,
            @DefaultValue("chatpipe-contacts") @NotBlank String contactsGroupId) {
    }

    /** @param cacheSize how many users an instance remembers as provisioned */
    public record Users(@DefaultValue("100000") @Min(1) int cacheSize) {
    }
}
