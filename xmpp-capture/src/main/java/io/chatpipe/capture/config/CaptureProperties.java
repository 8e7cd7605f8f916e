package io.chatpipe.capture.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import io.chatpipe.capture.archive.ArchiveServer;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Everything capture can be told, under {@code chatpipe.capture}. The defaults match {@code ./chatpipe run}:
 * ejabberd's archive in the project-local PostgreSQL on loopback, domain {@code localhost}.
 *
 * @param xmppDomain   the XMPP domain chatpipe's users live on
 * @param archive      where the XMPP server's archive is and how capture reads it
 * @param offsetsTopic where capture keeps its position in the archive (Kafka Connect's offset format; replicated
 *                     as the topic catalogue's default, chatpipe.topics.default.replicas)
 */
@Validated
@ConfigurationProperties("chatpipe.capture")
public record CaptureProperties(
        @DefaultValue("localhost") @NotBlank String xmppDomain,
        @DefaultValue @Valid Archive archive,
        @DefaultValue("chat.capture.offsets") @NotBlank String offsetsTopic) {

    /**
     * The XMPP server's MAM table in PostgreSQL, read by logical decoding (pgoutput).
     *
     * @param server       which server's archive it is, so which table and how its rows read: ejabberd (its
     *                     table {@code archive}), prosody ({@code prosodyarchive}) or openfire (the Monitoring
     *                     plugin's {@code ofMessageArchive})
     * @param database     the database that holds it: ejabberd's, Prosody's, Openfire's
     * @param password     the capture role's password; never logged
     * @param publication  the publication of the archive table (inserts only), made with the database
     * @param slot         the replication slot capture creates on first start and reads from; PostgreSQL keeps
     *                     the archive's changes in it while capture is down
     * @param pollInterval how long the connector waits for more changes before it hands over a batch
     */
    public record Archive(
            @DefaultValue("ejabberd") @NotNull ArchiveServer server,
            @DefaultValue("127.0.0.1") @NotBlank String host,
            @DefaultValue("5433") @Min(1) int port,
            @DefaultValue("ejabberd") @NotBlank String database,
            @DefaultValue("chatpipe_capture") @NotBlank String user,
            String password,
            @DefaultValue("chatpipe_archive") @NotBlank String publication,
            @DefaultValue("chatpipe_capture") @NotBlank String slot,
            @DefaultValue("50ms") @NotNull Duration pollInterval) {

        @Override
        public String toString() {
            return "Archive[" + user + "@" + host + ":" + port + "/" + database + " table " + server.table()
                    + ", publication " + publication
                    + ", slot " + slot + "]";
        }
    }
}
