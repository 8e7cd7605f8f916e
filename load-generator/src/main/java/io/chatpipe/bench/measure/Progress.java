package io.chatpipe.bench.measure;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Shows what a running measurement has done so far, every couple of seconds, until closed. */
public final class Progress implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Progress.class);

    static final Duration EVERY = Duration.ofSeconds(2);

    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("bench-progress").daemon().factory());

    private Progress(String name, Supplier<String> status) {
        long started = System.nanoTime();
        ticker.scheduleAtFixedRate(() -> log.info("  {} {}s: {}", name,
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), status.get()),
                EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static Progress show(String name, Supplier<String> status) {
        return new Progress(name, status);
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
