package io.chatpipe.bench.parts;

import io.chatpipe.bench.parts.XmppClients.XmppAddress;
import java.net.URI;
import java.nio.file.Path;

/**
 * Where the stack under test listens.
 *
 * @param worker      the xmpp-delivery-worker's base URL, for its actuator
 * @param capture     the xmpp-capture service's base URL, for its actuator
 * @param ejabberdApi mod_http_api's base URL, like {@code http://127.0.0.1:5280/api}
 * @param archive     ejabberd's message archive in PostgreSQL, read as capture reads it
 * @param dataDir     the stack's data directory, which the command lines of its processes name (Kafka, ejabberd,
 *                    PostgreSQL): how the bench finds them to read their CPU time; null when unknown
 */
public record Targets(
        URI api,
        URI history,
        URI worker,
        URI capture,
        String kafka,
        URI ejabberdApi,
        String xmppHost,
        int xmppPort,
        String xmppDomain,
        Archive archive,
        Path dataDir) {

    public URI api(String path) {
        return api.resolve(path);
    }

    public URI history(String path) {
        return history.resolve(path);
    }

    public XmppAddress xmpp() {
        return new XmppAddress(xmppHost, xmppPort, xmppDomain);
    }

    /**
     * ejabberd's archive database, as the capture role sees it (LOGIN, SELECT on the archive).
     *
     * @param passwordFile where the role's password is kept: never on a command line
     */
    public record Archive(String host, int port, String database, String user, Path passwordFile) {

        /** {@code jdbc:postgresql://HOST:PORT/DATABASE}, without credentials. */
        public String jdbcUrl() {
            return "jdbc:postgresql://" + host + ":" + port + "/" + database;
        }
    }
}
