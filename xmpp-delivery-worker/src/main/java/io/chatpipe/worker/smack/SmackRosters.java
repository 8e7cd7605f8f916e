package io.chatpipe.worker.smack;

import io.chatpipe.events.UserId;
import io.chatpipe.worker.config.ConditionalOnBackend;
import io.chatpipe.worker.config.WorkerProperties;
import io.chatpipe.worker.config.WorkerProperties.Backend;
import io.chatpipe.worker.contacts.XmppRosters;
import io.chatpipe.worker.dispatch.DeliveryException;
import io.chatpipe.worker.provisioning.PasswordKey;
import io.chatpipe.worker.provisioning.UserProvisioner;
import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.ping.packet.Ping;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;
import org.springframework.stereotype.Component;

/**
 * Rosters for the smack path, the way two people's clients would do it (RFC 6121): the owner puts the
 * contact on their roster and asks to subscribe; the contact puts the owner on theirs, approves, and
 * asks back; the owner approves. Each step is confirmed by a ping on the same stream before the next.
 * Removing is the owner's roster remove, after which the server ends the subscriptions both ways.
 */
@Component
@ConditionalOnBackend(Backend.SMACK)
class SmackRosters implements XmppRosters {

    static final String GROUP = "chatpipe";

    private final SmackConnections connections;

    private final PasswordKey passwords;

    private final UserProvisioner provisioner;

    private final String domain;

    SmackRosters(SmackConnections connections, PasswordKey passwords, UserProvisioner provisioner,
                 WorkerProperties properties) {
        this.connections = connections;
        this.passwords = passwords;
        this.provisioner = provisioner;
        this.domain = properties.xmppDomain();
    }

    @Override
    public void add(UserId owner, UserId contact) throws DeliveryException {
        as(owner, connection -> {
            setItem(connection, contact, false);
            send(connection, Presence.Type.subscribe, contact);
        });
        as(contact, connection -> {
            setItem(connection, owner, false);
            send(connection, Presence.Type.subscribed, owner);
            send(connection, Presence.Type.subscribe, owner);
        });
        as(owner, connection -> send(connection, Presence.Type.subscribed, contact));
    }

    @Override
    public void remove(UserId owner, UserId contact) throws DeliveryException {
        as(owner, connection -> setItem(connection, contact, true));
    }

    private interface Step {
        void on(XMPPTCPConnection connection) throws SmackException, XMPPException, InterruptedException,
                XmppStringprepException;
    }

    private void as(UserId user, Step step) throws DeliveryException {
        try (SmackConnections.Lease lease = connections.lease(user, passwords.passwordOf(user))) {
            try {
                step.on(lease.connection());
                // the server processes a stream in order: once the ping is answered, so is all before it
                lease.connection().createStanzaCollectorAndSend(new Ping(lease.connection().getXMPPServiceDomain()))
                        .nextResultOrThrow();
            } catch (SmackException | XMPPException e) {
                lease.discard();
                throw new DeliveryException.Transient("changing the roster of " + user.jid(domain) + " failed: " + e, e);
            }
        } catch (SmackConnections.LoginRefused e) {
            if (Boolean.FALSE.equals(provisioner.created(user))) {
                throw new DeliveryException.Permanent(e.getMessage() + ": the account existed before chatpipe");
            }
            throw new DeliveryException.Auth(e.getMessage());
        } catch (XmppStringprepException e) {
            throw new DeliveryException.Permanent("not a JID: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException.Transient("interrupted while changing the roster of " + user.jid(domain), e);
        }
    }

    private void setItem(XMPPTCPConnection connection, UserId other, boolean remove)
            throws SmackException, XMPPException, InterruptedException, XmppStringprepException {
        var item = new RosterPacket.Item(jid(other), remove ? null : other.value());
        if (remove) {
            item.setItemType(RosterPacket.ItemType.remove);
        } else {
            item.addGroupName(GROUP);
        }
        var set = new RosterPacket();
        set.setType(IQ.Type.set);
        set.addRosterItem(item);
        connection.createStanzaCollectorAndSend(set).nextResultOrThrow();
    }

    private void send(XMPPTCPConnection connection, Presence.Type type, UserId to)
            throws SmackException.NotConnectedException, InterruptedException, XmppStringprepException {
        connection.sendStanza(connection.getStanzaFactory().buildPresenceStanza().ofType(type).to(jid(to)).build());
    }

    private BareJid jid(UserId user) throws XmppStringprepException {
        return JidCreate.bareFrom(user.jid(domain));
    }
}
