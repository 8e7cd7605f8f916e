package io.chatpipe.api.chat;

import io.chatpipe.api.config.ApiProperties;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Presence as a lease: every {@code chatpipe.api.chat.presence-heartbeat} this instance says again on
 * {@code chat.presence} who is online on it, and ends, in its {@link PresenceBook}, the presence that no instance
 * has said again within {@code presence-lease}. An instance that stops cleanly says offline for its users; one
 * that is killed cannot, and its users go offline everywhere within the lease instead of staying online for ever.
 * The cost is one small record per online user per heartbeat.
 */
@Component
class PresenceLease implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PresenceLease.class);

    private final SessionRegistry sessions;
    private final PresenceBook book;
    private final Duration heartbeat;
    private final Duration lease;
    private ScheduledExecutorService scheduler;

    PresenceLease(SessionRegistry sessions, PresenceBook book, ApiProperties properties) {
        this.sessions = sessions;
        this.book = book;
        this.heartbeat = properties.chat().presenceHeartbeat();
        this.lease = properties.chat().presenceLease();
    }

    @Override
    public synchronized void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("chat-presence-lease")
                .daemon().factory());
        scheduler.scheduleWithFixedDelay(this::renew, heartbeat.toMillis(), heartbeat.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void renew() {
        try {
            sessions.announceOnline();
            book.expire(lease);
        } catch (RuntimeException e) {
            // an exception would end the scheduled task, and with it every later heartbeat
            log.warn("Could not renew presence", e);
        }
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }
}
