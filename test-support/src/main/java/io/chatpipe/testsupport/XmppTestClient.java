package io.chatpipe.testsupport;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.jivesoftware.smack.AbstractXMPPConnection;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jivesoftware.smackx.iqregister.AccountManager;
import org.jivesoftware.smackx.ping.PingManager;
import org.jxmpp.jid.parts.Localpart;

/**
 * A real XMPP client (Smack over TCP), logged in as one user, keeping every message it receives.
 * It is what a person's XMPP client would see.
 */
public final class XmppTestClient implements AutoCloseable {

    private final AbstractXMPPConnection connection;
    private final List<Message> received = new CopyOnWriteArrayList<>();

    private XmppTestClient(AbstractXMPPConnection connection) {
        this.connection = connection;
        connection.addSyncStanzaListener(stanza -> received.add((Message) stanza), StanzaTypeFilter.MESSAGE);
    }

    /** Registers the account in-band (XEP-0077), then logs in with it. */
    public static XmppTestClient register(XmppServer server, String localpart, String password) {
        return open(server, localpart, password, true);
    }

    /** Logs in to an existing account. */
    public static XmppTestClient login(XmppServer server, String localpart, String password) {
        return open(server, localpart, password, false);
    }

    private static XmppTestClient open(XmppServer server, String localpart, String password, boolean register) {
        try {
            var config = XMPPTCPConnectionConfiguration.builder()
                    .setXmppDomain(server.domain())
                    .setHost(server.host())
                    .setPort(server.clientPort())
                    .setSecurityMode(SecurityMode.disabled)   // loopback only
                    .setUsernameAndPassword(localpart, password)
                    .setResource("test")
                    .build();
            var connection = new XMPPTCPConnection(config);
            connection.setReplyTimeout(10_000);
            connection.connect();
            if (register) {
                var accounts = AccountManager.getInstance(connection);
                accounts.sensitiveOperationOverInsecureConnection(true);
                accounts.createAccount(Localpart.from(localpart), password);
            }
            var client = new XmppTestClient(connection);
            connection.login();
            // login() returns before the server has taken the initial presence; until it has, a message
            // to the bare JID finds no available resource and goes to offline storage. The server answers
            // the ping after the presence it got first, so from here on the client is available.
            if (!PingManager.getInstanceFor(connection).pingMyServer(true)) {
                throw new IllegalStateException("the server did not answer a ping after login");
            }
            return client;
        } catch (Exception e) {
            throw new IllegalStateException("cannot log in as " + localpart + " at " + server.domain(), e);
        }
    }

    /** Waits until a received message matches, and returns it. */
    public Message awaitMessage(Duration timeout, Predicate<Message> match) {
        return Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(50))
                .until(() -> received.stream().filter(match).findFirst(), java.util.Optional::isPresent)
                .orElseThrow();
    }

    /** Every message received so far, in arrival order. */
    public List<Message> received() {
        return List.copyOf(received);
    }

    public AbstractXMPPConnection connection() {
        return connection;
    }

    @Override
    public void close() {
        connection.disconnect();
    }
}
