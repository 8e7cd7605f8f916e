package io.chatpipe.worker.ejabberd;

import io.chatpipe.events.MessageId;
import io.chatpipe.events.UserId;
import io.chatpipe.worker.config.ConditionalOnBackend;
import io.chatpipe.worker.config.WorkerProperties;
import io.chatpipe.worker.config.WorkerProperties.Backend;
import io.chatpipe.worker.delivery.DeliveryBackend;
import io.chatpipe.worker.dispatch.DeliveryException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jivesoftware.smack.packet.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The ejabberd-api delivery path: messages through {@code send_stanza}, which routes the stanza as
 * if the sender had sent it. Its 200 means only that the stanza is on its way to the recipient's
 * sessions, so what makes a message delivered is chosen by {@code chatpipe.worker.ejabberd.confirm-by}:
 * <ul>
 * <li>{@code archive}: the recipient's archive row for it, as capture writes it to {@code chat.deliveries}
 * ({@link ArchiveEvidence}). A message whose row does not show within {@code archive-patience} is sent
 * again, and only it; one whose row is there already when its turn comes (sent before a restart) is not
 * sent at all.
 * <li>{@code sessions}: the {@link SessionBarrier} confirms the recipient's sessions have it: one
 * confirmation for each recipient of the messages a caller sent, after all of them. When ejabberd goes
 * away, what it confirmed just before is sent again, blindly ({@link RecentDeliveries}): for a server
 * whose archive is not captured.
 * </ul>
 */
@Component
@ConditionalOnBackend(Backend.EJABBERD_API)
class EjabberdBackend implements DeliveryBackend {

    private static final Logger log = LoggerFactory.getLogger(EjabberdBackend.class);

    /**
     * With {@code sessions}: how long before ejabberd refused a connection a confirmation is doubted: the
     * moments of its stop before the worker's next call finds it gone (a failed call, then a retry after backoff).
     */
    private static final Duration RECENT = Duration.ofSeconds(10);

    private final EjabberdApi api;

    private final String domain;

    /** With {@code archive}; null with {@code sessions}. */
    private final ArchiveEvidence archive;

    private final Duration archivePatience;

    /** With {@code sessions}; null with {@code archive}. */
    private final SessionBarrier barrier;

    /** With {@code sessions}; null with {@code archive}. */
    private final RecentDeliveries recent;

    EjabberdBackend(EjabberdApi api, SessionBarrier barrier, Optional<ArchiveEvidence> archive,
                    WorkerProperties properties) {
        this.api = api;
        this.domain = properties.xmppDomain();
        this.archivePatience = properties.ejabberd().archivePatience();
        boolean byArchive = properties.ejabberd().confirmBy() == WorkerProperties.ConfirmBy.ARCHIVE;
        if (byArchive != archive.isPresent()) {
            throw new IllegalStateException("chatpipe.worker.ejabberd.confirm-by is " + properties.ejabberd().confirmBy()
                    + " but the archive's evidence is " + (archive.isPresent() ? "read" : "not read"));
        }
        this.archive = archive.orElse(null);
        this.barrier = byArchive ? null : barrier;
        this.recent = byArchive ? null : new RecentDeliveries(RECENT.toNanos(), 32L << 20);
    }

    @Override
    public String name() {
        return "ejabberd-api";
    }

    @Override
    public void send(UserId from, UserId to, Message stanza) throws DeliveryException {
        if (archive != null) {
            if (storedAlready(stanza)) {
                return;   // a copy sent before (by this worker or one before it) is in the archive
            }
        } else {
            sendAgainWhatEjabberdMayHaveLost();
        }
        route(from, to, stanza.toXML().toString());
    }

    @Override
    public List<Sent> confirm(List<Sent> sent) throws DeliveryException, InterruptedException {
        if (archive != null) {
            return archive.awaitStored(sent, archivePatience);
        }
        confirmRecipientsOf(sent.stream().map(Sent::to).toList());
        long now = System.nanoTime();
        for (Sent message : sent) {
            recent.confirmed(new RecentDeliveries.Delivered(message.from(), message.to(),
                    message.stanza().toXML().toString(), now));
        }
        return List.of();
    }

    private boolean storedAlready(Message stanza) throws DeliveryException {
        try {
            return archive.stored(MessageId.of(stanza.getStanzaId()), archivePatience);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException.Transient("interrupted while reading the archive's evidence", e);
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
        if (recent != null && e.getCause() instanceof ConnectException) {
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
