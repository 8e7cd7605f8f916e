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
 * Looks at every chat connection four times per {@code chatpipe.api.websocket.idle-timeout}: pings the quiet
 * ones, closes those quiet for the whole timeout (see {@link ChatSession#checkIdle}). Without it a client that
 * sends half a frame and stalls would hold its connection for ever.
 */
@Component
class IdleSweep implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(IdleSweep.class);

    private final SessionRegistry registry;
    private final Duration timeout;
    private ScheduledExecutorService scheduler;

    IdleSweep(SessionRegistry registry, ApiProperties properties) {
        this.registry = registry;
        this.timeout = properties.websocket().idleTimeout();
    }

    @Override
    public synchronized void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("chat-idle-sweep").daemon()
                .factory());
        long period = Math.max(1, timeout.toMillis() / 4);
        scheduler.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    private void sweep() {
        long now = System.nanoTime();
        registry.forEach(session -> {
            try {
                session.checkIdle(now, timeout);
            } catch (RuntimeException e) {
                // one connection's failure must not end the sweep, which a scheduled task's exception would
                log.warn("Could not check {} for idleness", session, e);
            }
        });
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
