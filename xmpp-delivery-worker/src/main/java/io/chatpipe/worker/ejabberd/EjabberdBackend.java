package io.chatpipe.worker.ejabberd;

import io.chatpipe.events.UserId;
import io.chatpipe.worker.config.WorkerProperties;
import io.chatpipe.worker.delivery.DeliveryBackend;
import io.chatpipe.worker.delivery.DeliveryException;
import io.chatpipe.worker.provisioning.XmppAccounts;
import org.jivesoftware.smack.packet.Message;
import org.springframework.stereotype.Component;

/**
 * The ejabberd-api delivery path: accounts through {@code check_account} and {@code register},
 * messages through {@code send_stanza}, which routes the stanza as if the sender had sent it.
 */
@Component
class EjabberdBackend implements DeliveryBackend, XmppAccounts {

    private final EjabberdApi api;

    private final String domain;

    EjabberdBackend(EjabberdApi api, WorkerProperties properties) {
        this.api = api;
        this.domain = properties.xmppDomain();
    }

    @Override
    public String name() {
        return "ejabberd-api";
    }

    @Override
    public void send(UserId from, UserId to, Message stanza) throws DeliveryException {
        api.call(new SendStanza(from.jid(domain), to.jid(domain), stanza.toXML().toString()));
    }

    @Override
    public boolean exists(UserId user) throws DeliveryException {
        return api.call(new CheckAccount(user.localpart(), domain));
    }

    @Override
    public boolean register(UserId user, String password) throws DeliveryException {
        return api.call(new Register(user.localpart(), domain, password));
    }
}
