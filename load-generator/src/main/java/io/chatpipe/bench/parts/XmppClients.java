package io.chatpipe.bench.parts;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jivesoftware.smackx.ping.PingManager;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Real XMPP clients (Smack over TCP), each logged in as one user, handing the body of every chat
 * message they receive to a listener. They are the online recipients, and the senders of the
 * client-to-client baseline.
 */
public final class XmppClients implements AutoCloseable {

    private final List<XMPPTCPConnection> connections = new ArrayList<>();
    private final AtomicLong received = new AtomicLong();
    private final String domain;

    private XmppClients(String domain) {
        this.domain = domain;
    }

    /** Logs every user in (the accounts must exist), each handing received bodies to {@code bodies}. */
    public static XmppClients login(XmppAddress server, List<String> users, String password, Consumer<String> bodies) {
        var clients = new XmppClients(server.domain());
        try {
            for (String user : users) {
                var config = XMPPTCPConnectionConfiguration.builder()
                        .setXmppDomain(server.domain())
                        .setHost(server.host())
                        .setPort(server.port())
                        .setSecurityMode(SecurityMode.disabled)   // loopback only
                        .setUsernameAndPassword(user, password)
                        .setResource("bench")
                        .build();
                var connection = new XMPPTCPConnection(config);
                connection.setReplyTimeout(20_000);
                connection.addSyncStanzaListener(stanza -> {
                    String body = ((Message) stanza).getBody();
                    if (body != null) {
                        clients.received.incrementAndGet();
                        bodies.accept(body);
                    }
                }, StanzaTypeFilter.MESSAGE);
                connection.connect();
                connection.login();
                clients.connections.add(connection);
                // login() returns before the server has taken the initial presence, and until it has, a message
                // to the bare JID finds no available resource and goes to offline storage (in one smoke run, 2
                // of the 60 messages flooded right after the logins never reached the clients). The server
                // answers this ping after the presence, so from here on the client is available, as
                // test-support's XmppTestClient does it.
                if (!PingManager.getInstanceFor(connection).pingMyServer(true)) {
                    throw new IllegalStateException("the server did not answer " + user + "'s ping after login");
                }
            }
            return clients;
        } catch (Exception e) {
            clients.close();
            throw new IllegalStateException("cannot log the bench's XMPP clients in at " + server, e);
        }
    }

    /** Messages with a body received by all clients together. */
    public long received() {
        return received.get();
    }

    /** Client {@code sender} sends a chat message to {@code to}, as any XMPP client would. */
    public void send(int sender, String to, String body) throws Exception {
        var connection = connections.get(sender % connections.size());
        connection.sendStanza(connection.getStanzaFactory().buildMessageStanza()
                .to(JidCreate.entityBareFrom(to + "@" + domain))
                .ofType(Message.Type.chat)
                .setBody(body)
                .build());
    }

    public int size() {
        return connections.size();
    }

    @Override
    public void close() {
        connections.forEach(XMPPTCPConnection::disconnect);
        connections.clear();
    }

    /** Where the clients connect. */
    public record XmppAddress(String host, int port, String domain) {
    }
}
