package io.chatpipe.testsupport;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.jivesoftware.smack.AbstractXMPPConnection;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jivesoftware.smackx.chat_markers.element.ChatMarkersElements;
import org.jivesoftware.smackx.hints.element.StoreHint;
import org.jivesoftware.smackx.iqregister.AccountManager;
import org.jivesoftware.smackx.ping.PingManager;
import org.jivesoftware.smackx.receipts.DeliveryReceipt;
import org.jivesoftware.smackx.sid.element.OriginIdElement;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Localpart;
import org.jxmpp.stringprep.XmppStringprepException;

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

    /**
     * Sends a chat message as an ordinary client would: with a stanza id and an XEP-0359 origin-id (both
     * {@code originId}); returns the origin-id.
     */
    public String sendChat(String toBareJid, String body, String originId) {
        send(StanzaBuilder.buildMessage(originId).to(jid(toBareJid)).ofType(Message.Type.chat).setBody(body)
                .addExtension(new OriginIdElement(originId)).build());
        return originId;
    }

    /**
     * Answers a message with an XEP-0184 receipt, with the XEP-0334 store hint that Conversations, Monal and
     * Gajim add so that the server archives it.
     */
    public void sendReceipt(String toBareJid, String messageId) {
        send(StanzaBuilder.buildMessage().to(jid(toBareJid)).ofType(Message.Type.chat)
                .addExtension(new DeliveryReceipt(messageId)).addExtension(StoreHint.INSTANCE).build());
    }

    /** Marks a message and those before it displayed (XEP-0333), with the store hint. */
    public void sendDisplayed(String toBareJid, String messageId) {
        send(StanzaBuilder.buildMessage().to(jid(toBareJid)).ofType(Message.Type.chat)
                .addExtension(new ChatMarkersElements.DisplayedExtension(messageId))
                .addExtension(StoreHint.INSTANCE).build());
    }

    /** Sends a stanza as it is. */
    public void send(Message stanza) {
        try {
            connection.sendStanza(stanza);
        } catch (SmackException.NotConnectedException e) {
            throw new IllegalStateException("not connected", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static org.jxmpp.jid.Jid jid(String jid) {
        try {
            return JidCreate.from(jid);
        } catch (XmppStringprepException e) {
            throw new IllegalArgumentException(jid, e);
        }
    }

    public AbstractXMPPConnection connection() {
        return connection;
    }

    @Override
    public void close() {
        connection.disconnect();
    }
}
