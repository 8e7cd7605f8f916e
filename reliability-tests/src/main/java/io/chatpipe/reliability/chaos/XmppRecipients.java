package io.chatpipe.reliability.chaos;

import io.chatpipe.reliability.stack.XmppServerControl;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.jivesoftware.smack.AbstractXMPPConnection;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.ReconnectionManager;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jivesoftware.smackx.iqregister.AccountManager;
import org.jivesoftware.smackx.sid.element.OriginIdElement;
import org.jxmpp.jid.parts.Localpart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recipients' XMPP clients (Smack over TCP), online through the whole run: each registers its account
 * in-band (or finds it), logs in, reconnects by itself when the server goes away, and keeps every chat
 * message it receives, in arrival order.
 */
final class XmppRecipients implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(XmppRecipients.class);

    private final List<AbstractXMPPConnection> connections = new CopyOnWriteArrayList<>();
    private final List<ReceivedStanza> received = new CopyOnWriteArrayList<>();

    private XmppRecipients() {
    }

    static XmppRecipients connect(XmppServerControl server, List<String> localparts, String password) {
        var recipients = new XmppRecipients();
        try (var pool = Executors.newFixedThreadPool(8)) {
            List<CompletableFuture<Void>> logins = new ArrayList<>();
            for (String localpart : localparts) {
                logins.add(CompletableFuture.runAsync(() -> recipients.open(server, localpart, password), pool));
            }
            CompletableFuture.allOf(logins.toArray(CompletableFuture[]::new)).join();
        } catch (RuntimeException e) {
            recipients.close();
            throw e;
        }
        log.info("{} recipients online", localparts.size());
        return recipients;
    }

    private void open(XmppServerControl server, String localpart, String password) {
        try {
            var config = XMPPTCPConnectionConfiguration.builder()
                    .setXmppDomain(server.domain())
                    .setHost(server.host())
                    .setPort(server.clientPort())
                    .setSecurityMode(SecurityMode.disabled)   // loopback only
                    .setUsernameAndPassword(localpart, password)
                    .setResource("chaos")
                    .build();
            var connection = new XMPPTCPConnection(config);
            connection.setReplyTimeout(30_000);
            AtomicLong arrivals = new AtomicLong();
            connection.addSyncStanzaListener(stanza -> {
                Message message = (Message) stanza;
                if (message.getBody() != null) {
                    OriginIdElement origin = OriginIdElement.getOriginId(message);
                    received.add(new ReceivedStanza(localpart, message.getStanzaId(),
                            origin == null ? null : origin.getId(),
                            message.getFrom() == null ? null : message.getFrom().asBareJid().toString(),
                            message.getBody(), arrivals.getAndIncrement()));
                }
            }, StanzaTypeFilter.MESSAGE);
            connection.connect();
            var accounts = AccountManager.getInstance(connection);
            accounts.sensitiveOperationOverInsecureConnection(true);
            try {
                accounts.createAccount(Localpart.from(localpart), password);
            } catch (XMPPException.XMPPErrorException e) {
                if (e.getStanzaError().getCondition() != StanzaError.Condition.conflict) {
                    throw e;
                }
            }
            connection.login();
            var reconnection = ReconnectionManager.getInstanceFor(connection);
            reconnection.setReconnectionPolicy(ReconnectionManager.ReconnectionPolicy.FIXED_DELAY);
            reconnection.setFixedDelay(1);
            reconnection.enableAutomaticReconnection();
            connections.add(connection);
        } catch (Exception e) {
            throw new IllegalStateException("cannot log in as " + localpart + " at " + server.domain(), e);
        }
    }

    /** Everything received so far. */
    List<ReceivedStanza> received() {
        return List.copyOf(received);
    }

    /** How many are connected and logged in now. */
    long online() {
        return connections.stream().filter(AbstractXMPPConnection::isAuthenticated).count();
    }

    @Override
    public void close() {
        for (AbstractXMPPConnection connection : connections) {
            ReconnectionManager.getInstanceFor(connection).disableAutomaticReconnection();
            connection.disconnect();
        }
    }
}
