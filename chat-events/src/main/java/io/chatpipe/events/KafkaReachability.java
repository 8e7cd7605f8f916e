package io.chatpipe.events;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Whether Kafka answers, for a service's readiness: one admin client asks the cluster to describe itself (a
 * metadata request, no topic touched) at most once per {@code interval}; callers in between get the last answer,
 * so a health endpoint polled many times a second costs Kafka one request per interval. A check waits at most
 * {@code timeout}; a broker that does not answer in that time counts as unreachable.
 */
public final class KafkaReachability implements AutoCloseable {

    /** The last check: whether Kafka answered, the cluster id or the error, and when (nanoTime). */
    public record Check(boolean reachable, String detail, long atNanos) {
    }

    private final Admin admin;
    private final Duration interval;
    private final Duration timeout;
    private final ReentrantLock checking = new ReentrantLock();
    private volatile Check last;

    /** {@code config}: the service's admin client settings (bootstrap servers, security). */
    public KafkaReachability(Map<String, Object> config, Duration interval, Duration timeout) {
        Map<String, Object> settings = new HashMap<>(config);
        int millis = (int) timeout.toMillis();
        settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        // reconnect soon after a broker comes back, instead of backing off for up to Kafka's default 1 s
        settings.putIfAbsent(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, Math.min(millis, 1000));
        this.admin = Admin.create(settings);
        this.interval = interval;
        this.timeout = timeout;
    }

    /** The answer of a check at most one interval old; checks now when the last is older and nobody else does. */
    public Check check() {
        Check known = last;
        if (known != null && System.nanoTime() - known.atNanos() < interval.toNanos()) {
            return known;
        }
        if (known != null && !checking.tryLock()) {
            return known; // another caller is asking Kafka right now
        }
        if (known == null) {
            checking.lock();
        }
        try {
            if (last != known) {
                return last;
            }
            last = ask();
            return last;
        } finally {
            checking.unlock();
        }
    }

    private Check ask() {
        try {
            String clusterId = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .clusterId().get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
            return new Check(true, clusterId, System.nanoTime());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Check(false, "interrupted", System.nanoTime());
        } catch (Exception e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return new Check(false, cause.getClass().getSimpleName() + ": " + cause.getMessage(), System.nanoTime());
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(1));
    }
}
