package io.chatpipe.worker.ejabberd;

import io.chatpipe.events.UserId;
import io.chatpipe.worker.config.WorkerProperties;
import io.chatpipe.worker.delivery.DeliveryBackend;
import io.chatpipe.worker.delivery.DeliveryException;
import org.jivesoftware.smack.packet.Message;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The ejabberd-api delivery path: messages through {@code send_stanza}, which routes the stanza as
 * if the sender had sent it. Its 200 means only that the stanza is on its way to the recipient's
 * sessions, so the message counts as delivered once the {@link SessionBarrier} confirms they have it.
 */
@Component
@ConditionalOnProperty(name = "chatpipe.worker.backend", havingValue = "ejabberd-api", matchIfMissing = true)
class EjabberdBackend implements DeliveryBackend {

    private final EjabberdApi api;

    private final SessionBarrier barrier;

    private final String domain;

    EjabberdBackend(EjabberdApi api, SessionBarrier barrier, WorkerProperties properties) {
        this.api = api;
        this.barrier = barrier;
        this.domain = properties.xmppDomain();
    }

    @Override
    public String name() {
        return "ejabberd-api";
    }

    @Override
    public void send(UserId from, UserId to, Message stanza) throws DeliveryException {
        api.call(new SendStanza(from.jid(domain), to.jid(domain), stanza.toXML().toString()));
        barrier.await(to);
    }
}
