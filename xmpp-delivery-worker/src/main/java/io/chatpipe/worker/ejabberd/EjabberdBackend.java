package io.chatpipe.worker.ejabberd;

import io.chatpipe.events.UserId;
import io.chatpipe.worker.config.WorkerProperties;
import io.chatpipe.worker.delivery.DeliveryBackend;
import io.chatpipe.worker.delivery.DeliveryException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import org.jivesoftware.smack.packet.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The ejabberd-api delivery path: messages through {@code send_stanza}, which routes the stanza as
 * if the sender had sent it. Its 200 means only that the stanza is on its way to the recipient's
 * sessions, so the messages count as delivered once the {@link SessionBarrier} confirms they have them:
 * one confirmation for each recipient of the messages a caller sent, after all of them.
 * When ejabberd goes away, what it confirmed just before is sent again ({@link RecentDeliveries}).
 */
@Component
@ConditionalOnProperty(name = "chatpipe.worker.backend", havingValue = "ejabberd-api", matchIfMissing = true)
class EjabberdBackend implements DeliveryBackend {

    private static final Logger log = LoggerFactory.getLogger(EjabberdBackend.class);

    /**
     * How long before ejabberd refused a connection a confirmation is doubted: the moments of its stop
     * before the worker's next call finds it gone (a failed call, then a retry after backoff).
     */
    private static final Duration RECENT = Duration.ofSeconds(10);

    private final EjabberdApi api;

    private final SessionBarrier barrier;

    private final String domain;

    private final RecentDeliveries recent = new RecentDeliveries(RECENT.toNanos(), 32L << 20);

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
        sendAgainWhatEjabberdMayHaveLost();
        route(from, to, stanza.toXML().toString());
    }

    @Override
    public void confirm(List<Sent> sent) throws DeliveryException {
        confirmRecipientsOf(sent.stream().map(Sent::to).toList());
        long now = System.nanoTime();
        for (Sent message : sent) {
            recent.confirmed(new RecentDeliveries.Delivered(message.from(), message.to(),
                    message.stanza().toXML().toString(), now));
        }
    }

    private void route(UserId from, UserId to, String xml) throws DeliveryException {
        try {
            api.call(new SendStanza(from.jid(domain), to.jid(domain), xml));
        } catch (DeliveryException e) {
            noteRefused(e);
            throw e;
        }
    }

    /** One confirmation for each recipient, covering everything routed to it so far. */
    private void confirmRecipientsOf(List<UserId> recipients) throws DeliveryException {
        try {
            barrier.awaitEach(recipients);
        } catch (DeliveryException e) {
            noteRefused(e);
            throw e;
        }
    }

    private void noteRefused(DeliveryException e) {
        if (e.getCause() instanceof ConnectException) {
            // refused: ejabberd is stopped or stopping, and may have lost what it took just before
            recent.unreachable(System.nanoTime());
        }
    }

    /** After ejabberd went away, before anything new: the messages confirmed just before, in their order. */
    private void sendAgainWhatEjabberdMayHaveLost() throws DeliveryException {
        if (!recent.anyToSendAgain()) {
            return;
        }
        synchronized (recent) {
            List<RecentDeliveries.Delivered> again = recent.toSendAgain();
            for (RecentDeliveries.Delivered delivered : again) {
                route(delivered.from(), delivered.to(), delivered.stanza());
            }
            confirmRecipientsOf(again.stream().map(RecentDeliveries.Delivered::to).toList());
            long now = System.nanoTime();
            for (RecentDeliveries.Delivered delivered : again) {
                recent.sentAgain(delivered, now);
            }
            if (!again.isEmpty()) {
                log.info("ejabberd is back: sent again the {} messages it confirmed just before it went away",
                        again.size());
            }
        }
    }
}
