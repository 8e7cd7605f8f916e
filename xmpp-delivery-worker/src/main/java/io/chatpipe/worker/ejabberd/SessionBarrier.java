package io.chatpipe.worker.ejabberd;

import io.chatpipe.events.UserId;
import io.chatpipe.worker.config.ConditionalOnBackend;
import io.chatpipe.worker.config.WorkerProperties;
import io.chatpipe.worker.config.WorkerProperties.Backend;
import io.chatpipe.worker.config.WorkerProperties.SmackAccounts;
import io.chatpipe.worker.dispatch.DeliveryException;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.stereotype.Component;

/**
 * Confirms that ejabberd has done with what was routed to a user: stored it offline, or handled it in
 * each of the user's sessions (archived it, written it to the client's socket).
 *
 * <p>ejabberd routes a stanza to an online user by putting it in the mailbox of the session's c2s
 * process, and answers {@code send_stanza} (or a ping on the sender's stream) right away. A stanza
 * still in a mailbox is gone if ejabberd stops. {@code user_sessions_info} calls into every session's
 * process, which answers only after the stanzas ahead of the call: when every session answered (or
 * there was none, so the stanza went to the offline store, written before the route returned), every
 * stanza routed to the user before the call is safe. A session that did not answer in time leaves it
 * unconfirmed: asked again for up to {@code chatpipe.worker.ejabberd.confirm-patience}, then a transient failure, and the messages are
 * sent again (clients de-duplicate by id).
 *
 * <p>One call confirms every message routed to the user before it began, so callers waiting on the
 * same user share calls: while one is under way, the next callers wait, and the first of them makes
 * one call for all of them.
 */
@Component
@ConditionalOnBackend(value = {Backend.EJABBERD_API, Backend.SMACK}, smackAccounts = SmackAccounts.EJABBERD_API)
public class SessionBarrier {

    private final EjabberdApi api;

    /**
     * How long a session that does not answer is asked again before the messages are sent again. A
     * session that is only slow (a round of messages from several conversations ahead of the call, a
     * client reading slowly) answers a later ask, and copies more in its queue would only put it further
     * behind: every delivery to it would then fail and send more, a collapse seen in the drain bench
     * with a patience of 3 asks. By default longer than ejabberd's {@code send_timeout} (15 s), after
     * which it drops a client that stopped reading, re-routing what waited in the session's queue. Each
     * ask waits up to 1 s for each silent session.
     */
    private final Duration patience;

    private final String domain;

    private final ConcurrentHashMap<UserId, Recipient> recipients = new ConcurrentHashMap<>();

    SessionBarrier(EjabberdApi api, WorkerProperties properties) {
        this.api = api;
        this.domain = properties.xmppDomain();
        this.patience = properties.ejabberd().confirmPatience();
    }

    /** {@link #await} for each of the recipients, once each, in their order. */
    public void awaitEach(Collection<UserId> recipients) throws DeliveryException {
        for (UserId recipient : new LinkedHashSet<>(recipients)) {
            await(recipient);
        }
    }

    /**
     * Returns once every stanza routed to {@code recipient} before this call is stored or handled by
     * the recipient's sessions; throws a transient failure when that cannot be confirmed.
     */
    public void await(UserId recipient) throws DeliveryException {
        Recipient state = recipients.compute(recipient, (user, known) -> {
            Recipient joined = known == null ? new Recipient() : known;
            joined.waiting++;
            return joined;
        });
        try {
            state.await(state.ticket(), () -> confirm(recipient));
        } finally {
            recipients.computeIfPresent(recipient, (user, known) -> --known.waiting == 0 ? null : known);
        }
    }

    private void confirm(UserId recipient) throws DeliveryException {
        long deadline = System.nanoTime() + patience.toNanos();
        int asks = 0;
        List<String> silent;
        do {
            List<UserSessionsInfo.Session> sessions = api.call(new UserSessionsInfo(recipient.localpart(), domain));
            asks++;
            silent = sessions.stream().filter(session -> !session.answered())
                    .map(UserSessionsInfo.Session::resource).toList();
            if (silent.isEmpty()) {
                return;
            }
        } while (System.nanoTime() < deadline);
        throw new DeliveryException.Transient("ejabberd's session(s) " + silent + " of " + recipient.jid(domain)
                + " did not answer " + asks + " asks in " + patience.toSeconds()
                + " s, so the messages may still wait in their queue: sending them again");
    }

    /** One call into ejabberd. */
    @FunctionalInterface
    interface Confirmation {
        void run() throws DeliveryException;
    }

    /**
     * The calls for one user, one at a time. Tickets number the callers in arrival order; a call
     * settles every ticket handed out before it began.
     */
    static final class Recipient {

        /** Callers using this entry; changed only inside the map's compute. */
        private int waiting;

        private final AtomicLong requested = new AtomicLong();

        private final ReentrantLock calling = new ReentrantLock();

        /** Every ticket up to this one is confirmed; guarded by {@code calling}. */
        private long confirmed;

        /** Every ticket above {@code confirmed} up to this one failed with {@code failure}. */
        private long failedUpTo;

        private DeliveryException failure;

        /** The next caller's number. */
        long ticket() {
            return requested.incrementAndGet();
        }

        /** Settles {@code ticket}: by a call that began after it was handed out, this caller's or another's. */
        void await(long ticket, Confirmation confirmation) throws DeliveryException {
            calling.lock();
            try {
                if (ticket <= confirmed) {
                    return;
                }
                if (ticket <= failedUpTo) {
                    throw failure;
                }
                long covered = requested.get();
                try {
                    confirmation.run();
                    confirmed = covered;
                } catch (DeliveryException e) {
                    failedUpTo = covered;
                    failure = e;
                    throw e;
                }
            } finally {
                calling.unlock();
            }
        }
    }
}
