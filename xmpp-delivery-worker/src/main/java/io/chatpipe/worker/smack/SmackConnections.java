package io.chatpipe.worker.smack;

import io.chatpipe.events.UserId;
import io.chatpipe.worker.config.ConditionalOnBackend;
import io.chatpipe.worker.config.WorkerProperties;
import io.chatpipe.worker.config.WorkerProperties.Backend;
import io.chatpipe.worker.dispatch.DeliveryException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * A bounded pool of logged-in XMPP client connections, one user each. A connection is leased to one
 * sender at a time (so a stream error is the leased stanza's doing), returned for the next message
 * of the same user, and closed after it has been idle a while, or to make room for another user when
 * the pool is full.
 *
 * <p>The connections never send presence: the server does not count them as the user being online,
 * so messages to the user still go to their own clients or to offline storage, never to the worker.
 */
@Component
@ConditionalOnBackend({Backend.SMACK, Backend.OPENFIRE})
public class SmackConnections implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(SmackConnections.class);

    private final WorkerProperties.Smack settings;

    private final String domain;

    private final ReentrantLock lock = new ReentrantLock();

    private final Condition returned = lock.newCondition();

    /** Idle connections by user, most recently used first. */
    private final Map<UserId, Deque<Pooled>> idle = new HashMap<>();

    /** Connections open, leased or idle. */
    private int open;

    private final ScheduledExecutorService reaper;

    SmackConnections(WorkerProperties properties) {
        this.settings = properties.smack();
        this.domain = properties.xmppDomain();
        this.reaper = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("smack-idle-reaper").daemon()
                .factory());
        long every = Math.max(1000, settings.idleTimeout().toMillis() / 2);
        reaper.scheduleWithFixedDelay(this::closeIdle, every, every, TimeUnit.MILLISECONDS);
    }

    /** A connection logged in as the user: one of the pool's, or a new one. */
    public Lease lease(UserId user, String password) throws DeliveryException, InterruptedException, LoginRefused {
        lock.lock();
        try {
            while (true) {
                Deque<Pooled> mine = idle.get(user);
                Pooled pooled = mine == null ? null : mine.pollFirst();
                if (pooled != null) {
                    if (pooled.connection.isAuthenticated()) {
                        return new Lease(pooled);
                    }
                    pooled.close();
                    open--;
                    continue;
                }
                if (open < settings.maxConnections() || closeLeastRecentlyUsedIdle()) {
                    open++;
                    break;
                }
                if (!returned.await(settings.replyTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new DeliveryException.Transient("all " + settings.maxConnections()
                            + " XMPP connections are busy");
                }
            }
        } finally {
            lock.unlock();
        }
        try {
            return new Lease(new Pooled(user, login(user, password)));
        } catch (DeliveryException | InterruptedException | LoginRefused | RuntimeException e) {
            release(null);
            throw e;
        }
    }

    /** A connection that is not logged in, for in-band registration; not pooled. */
    XMPPTCPConnection connectAnonymously() throws DeliveryException, InterruptedException {
        XMPPTCPConnection connection = new XMPPTCPConnection(configuration(null, null));
        connection.setReplyTimeout(settings.replyTimeout().toMillis());
        try {
            connection.connect();
            return connection;
        } catch (SmackException | IOException | XMPPException e) {
            connection.disconnect();
            throw new DeliveryException.Transient("cannot connect to " + settings.host() + ":" + settings.port()
                    + ": " + e, e);
        }
    }

    private XMPPTCPConnection login(UserId user, String password)
            throws DeliveryException, InterruptedException, LoginRefused {
        // a resource of its own: a second connection of the same user must not replace the first
        XMPPTCPConnection connection = new XMPPTCPConnection(configuration(user, password));
        connection.setReplyTimeout(settings.replyTimeout().toMillis());
        Roster.getInstanceFor(connection).setRosterLoadedAtLogin(false);
        StreamErrors.getInstanceFor(connection);
        try {
            connection.connect();
            connection.login();
            return connection;
        } catch (SASLErrorException e) {
            connection.disconnect();
            throw new LoginRefused(user.jid(domain), e.getSASLFailure().getSASLErrorString());
        } catch (SmackException | IOException | XMPPException e) {
            connection.disconnect();
            throw new DeliveryException.Transient("cannot log in as " + user.jid(domain) + ": " + e, e);
        }
    }

    private XMPPTCPConnectionConfiguration configuration(UserId user, String password) {
        try {
            var builder = XMPPTCPConnectionConfiguration.builder()
                    .setXmppDomain(domain)
                    .setHost(settings.host())
                    .setPort(settings.port())
                    .setSecurityMode(settings.requireTls() ? SecurityMode.required : SecurityMode.disabled)
                    .setSendPresence(false)
                    .setConnectTimeout((int) settings.replyTimeout().toMillis());
            if (user != null) {
                builder.setUsernameAndPassword(user.localpart(), password)
                        .setResource("chatpipe-" + UUID.randomUUID().toString().substring(0, 8));
            }
            return builder.build();
        } catch (IOException e) {
            throw new IllegalStateException("bad XMPP domain " + domain, e);
        }
    }

    private void release(Pooled pooled) {
        lock.lock();
        try {
            if (pooled != null && pooled.connection.isAuthenticated()) {
                pooled.lastUsed = System.nanoTime();
                idle.computeIfAbsent(pooled.user, u -> new ArrayDeque<>()).addFirst(pooled);
            } else {
                if (pooled != null) {
                    pooled.close();
                }
                open--;
            }
            returned.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock. */
    private boolean closeLeastRecentlyUsedIdle() {
        Pooled oldest = null;
        for (Deque<Pooled> connections : idle.values()) {
            Pooled last = connections.peekLast();
            if (last != null && (oldest == null || last.lastUsed < oldest.lastUsed)) {
                oldest = last;
            }
        }
        if (oldest == null) {
            return false;
        }
        idle.get(oldest.user).removeLast();
        oldest.close();
        open--;
        return true;
    }

    private void closeIdle() {
        long cutoff = System.nanoTime() - settings.idleTimeout().toNanos();
        lock.lock();
        try {
            for (Iterator<Deque<Pooled>> users = idle.values().iterator(); users.hasNext(); ) {
                Deque<Pooled> connections = users.next();
                while (!connections.isEmpty() && connections.peekLast().lastUsed < cutoff) {
                    connections.removeLast().close();
                    open--;
                }
                if (connections.isEmpty()) {
                    users.remove();
                }
            }
            returned.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Connections open now, leased or idle. */
    public int open() {
        lock.lock();
        try {
            return open;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void destroy() {
        reaper.shutdownNow();
        lock.lock();
        try {
            idle.values().forEach(connections -> connections.forEach(Pooled::close));
            idle.clear();
        } finally {
            lock.unlock();
        }
    }

    /** A connection leased to one sender; closing it gives it back. */
    public final class Lease implements AutoCloseable {

        private final Pooled pooled;

        private boolean broken;

        private Lease(Pooled pooled) {
            this.pooled = pooled;
        }

        public XMPPTCPConnection connection() {
            return pooled.connection;
        }

        /** The connection is not to be used again. */
        public void discard() {
            broken = true;
        }

        @Override
        public void close() {
            if (broken) {
                pooled.close();
            }
            release(pooled);
        }
    }

    private static final class Pooled {
        final UserId user;
        final XMPPTCPConnection connection;
        long lastUsed = System.nanoTime();

        Pooled(UserId user, XMPPTCPConnection connection) {
            this.user = user;
            this.connection = connection;
        }

        void close() {
            if (connection.isConnected()) {
                connection.disconnect();
            }
        }
    }

    /** The server refused the login: the password is not the one chatpipe derives for the user. */
    public static final class LoginRefused extends Exception {
        LoginRefused(String jid, String condition) {
            super("the server refuses the login of " + jid + " (" + condition + ")");
        }
    }
}
