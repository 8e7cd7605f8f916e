package io.chatpipe.worker.smack;

import io.chatpipe.events.UserId;
import io.chatpipe.worker.config.ConditionalOnBackend;
import io.chatpipe.worker.config.WorkerProperties;
import io.chatpipe.worker.config.WorkerProperties.Backend;
import io.chatpipe.worker.delivery.DeliveryBackend;
import io.chatpipe.worker.dispatch.DeliveryException;
import io.chatpipe.worker.ejabberd.SessionBarrier;
import io.chatpipe.worker.provisioning.PasswordKey;
import io.chatpipe.worker.provisioning.UserProvisioner;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StreamError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.ping.packet.Ping;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;
import org.springframework.stereotype.Component;

/**
 * The smack path (and the openfire path's sending half): a standard XMPP client connection logged in
 * as the sender sends the stanza, so it works with any server.
 *
 * <p>The server has taken the message once it answers a ping sent after it on the same stream: a
 * server processes the stanzas of a stream in order (RFC 6120, 10.1), so by then the message was
 * routed to the recipient or stored for them. If instead the server closes the stream with an error
 * (policy-violation for a stanza over its size limit), it refused this message, the only one on the
 * leased connection: a permanent failure. Other losses of the connection are transient.
 *
 * <p>"Routed" is not "received": ejabberd routes to an online recipient by queueing the stanza for the
 * recipient's session process, where an ejabberd stop loses it. When the server is ejabberd and its
 * admin API is ours ({@code chatpipe.worker.smack.accounts=ejabberd-api}), the {@link SessionBarrier}
 * confirms the recipient's sessions have handled it, as on the ejabberd-api path. Other servers offer
 * no such call; Prosody, for one, writes a routed stanza to the recipient's connection as it routes it.
 */
@Component
@ConditionalOnBackend({Backend.SMACK, Backend.OPENFIRE})
class SmackBackend implements DeliveryBackend {

    private final SmackConnections connections;

    private final PasswordKey passwords;

    private final UserProvisioner provisioner;

    private final String domain;

    private final String name;

    /** Present when the server is ejabberd with its admin API at hand. */
    private final Optional<SessionBarrier> barrier;

    SmackBackend(SmackConnections connections, PasswordKey passwords, UserProvisioner provisioner,
                 Optional<SessionBarrier> barrier, WorkerProperties properties) {
        this.barrier = barrier;
        this.connections = connections;
        this.passwords = passwords;
        this.provisioner = provisioner;
        this.domain = properties.xmppDomain();
        this.name = properties.backend() == WorkerProperties.Backend.OPENFIRE ? "openfire" : "smack";
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void send(UserId from, UserId to, Message stanza) throws DeliveryException {
        try (SmackConnections.Lease lease = connections.lease(from, passwords.passwordOf(from))) {
            XMPPTCPConnection connection = lease.connection();
            try {
                connection.sendStanza(stanza.asBuilder().to(JidCreate.entityBareFrom(to.jid(domain))).build());
                awaitProcessed(connection);
            } catch (SmackException | XMPPException.XMPPErrorException e) {
                lease.discard();
                StreamError refusal = StreamErrors.getInstanceFor(connection).awaitError(Duration.ofSeconds(2));
                if (refusal != null && refusal.getCondition() == StreamError.Condition.policy_violation) {
                    throw new DeliveryException.Permanent("the server refused the message and closed the stream: "
                            + refusal.getCondition() + (refusal.getDescriptiveText() == null ? ""
                            : " (" + refusal.getDescriptiveText() + ")"));
                }
                throw new DeliveryException.Transient("sending as " + from.jid(domain) + " failed: "
                        + (refusal != null ? "stream error " + refusal.getCondition() : e.toString()), e);
            }
        } catch (SmackConnections.LoginRefused e) {
            if (Boolean.FALSE.equals(provisioner.created(from))) {
                // an account someone else made, with a password that is not ours: it never will be
                throw new DeliveryException.Permanent(e.getMessage() + ": the account existed before chatpipe, "
                        + "so chatpipe cannot send as this user");
            }
            // an account we made: the password key must have changed; an operator can fix that
            throw new DeliveryException.Auth(e.getMessage() + ": is chatpipe.worker.provisioning.password-key "
                    + "the one the account was created with?");
        } catch (XmppStringprepException e) {
            throw new DeliveryException.Permanent("not a JID: " + to.jid(domain));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException.Transient("interrupted while sending as " + from.jid(domain), e);
        }
    }

    /** Each message was processed by the server at {@link #send}; with ejabberd, also by the recipients' sessions. */
    @Override
    public List<Sent> confirm(List<Sent> sent) throws DeliveryException {
        if (barrier.isPresent()) {
            barrier.get().awaitEach(sent.stream().map(Sent::to).toList());
        }
        return List.of();
    }

    /** Waits for the answer to a ping sent after the message; any answer, even an error, will do. */
    private static void awaitProcessed(XMPPTCPConnection connection)
            throws SmackException, XMPPException.XMPPErrorException, InterruptedException {
        var ping = new Ping(connection.getXMPPServiceDomain());
        try {
            connection.createStanzaCollectorAndSend(ping).nextResultOrThrow();
        } catch (XMPPException.XMPPErrorException e) {
            if (!connection.isConnected()) {
                throw e;
            }
            // the server answered: it has processed everything before the ping
        }
    }
}
