package io.chatpipe.worker.smack;

import io.chatpipe.events.UserId;
import io.chatpipe.worker.config.ConditionalOnBackend;
import io.chatpipe.worker.config.WorkerProperties;
import io.chatpipe.worker.config.WorkerProperties.Backend;
import io.chatpipe.worker.config.WorkerProperties.SmackAccounts;
import io.chatpipe.worker.dispatch.DeliveryException;
import io.chatpipe.worker.provisioning.XmppAccounts;
import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.iqregister.AccountManager;
import org.jivesoftware.smackx.vcardtemp.VCardManager;
import org.jivesoftware.smackx.vcardtemp.packet.VCard;
import org.jxmpp.jid.parts.Localpart;
import org.jxmpp.stringprep.XmppStringprepException;
import org.springframework.stereotype.Component;

/**
 * Accounts for the smack path through in-band registration (XEP-0077) on a fresh, not logged-in
 * connection: any server that allows it from the worker's address. An account that exists answers
 * {@code conflict} and is left as it is. The nickname goes into the account's vCard (XEP-0054),
 * saved over a connection logged in as the user.
 */
@Component
@ConditionalOnBackend(value = Backend.SMACK, smackAccounts = SmackAccounts.IN_BAND)
class InBandRegistration implements XmppAccounts {

    private final SmackConnections connections;

    private final String domain;

    InBandRegistration(SmackConnections connections, WorkerProperties properties) {
        this.connections = connections;
        this.domain = properties.xmppDomain();
    }

    @Override
    public boolean createIfAbsent(UserId user, String password, String nickname) throws DeliveryException {
        XMPPTCPConnection connection = null;
        try {
            connection = connections.connectAnonymously();
            var accounts = AccountManager.getInstance(connection);
            // the worker reaches the server on loopback (or over TLS when configured to require it)
            accounts.sensitiveOperationOverInsecureConnection(true);
            accounts.createAccount(Localpart.from(user.localpart()), password);
        } catch (XMPPException.XMPPErrorException e) {
            StanzaError.Condition condition = e.getStanzaError().getCondition();
            return switch (condition) {
                case conflict -> false;
                case not_acceptable, bad_request, jid_malformed -> throw new DeliveryException.Permanent(
                        "the server refuses to register " + user.jid(domain) + ": " + condition);
                case not_allowed, forbidden, registration_required, not_authorized -> throw new DeliveryException.Auth(
                        "the server does not let the worker register " + user.jid(domain) + ": " + condition);
                default -> throw new DeliveryException.Transient(
                        "registering " + user.jid(domain) + " failed: " + condition);
            };
        } catch (SmackException e) {
            throw new DeliveryException.Transient("registering " + user.jid(domain) + " failed: " + e, e);
        } catch (XmppStringprepException e) {
            throw new DeliveryException.Permanent("not a localpart: " + user.localpart());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException.Transient("interrupted while registering " + user.jid(domain), e);
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
        saveNickname(user, password, nickname);
        return true;
    }

    private void saveNickname(UserId user, String password, String nickname) throws DeliveryException {
        try (SmackConnections.Lease lease = connections.lease(user, password)) {
            var vcard = new VCard();
            vcard.setNickName(nickname);
            VCardManager.getInstanceFor(lease.connection()).saveVCard(vcard);
        } catch (XMPPException.XMPPErrorException e) {
            if (e.getStanzaError().getCondition() == StanzaError.Condition.service_unavailable
                    || e.getStanzaError().getCondition() == StanzaError.Condition.feature_not_implemented) {
                return;   // a server without vCards: the nickname is a nicety
            }
            throw new DeliveryException.Transient("saving the vCard of " + user.jid(domain) + " failed: " + e, e);
        } catch (SmackException | SmackConnections.LoginRefused e) {
            throw new DeliveryException.Transient("saving the vCard of " + user.jid(domain) + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException.Transient("interrupted while saving the vCard of " + user.jid(domain), e);
        }
    }
}
