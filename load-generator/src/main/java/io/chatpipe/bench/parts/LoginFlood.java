package io.chatpipe.bench.parts;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A guesser: wrong passwords for a few chat accounts at {@code POST /api/v1/sessions}, at a fixed rate whatever
 * the answers say (it ignores {@code Retry-After}), from an address of its own, for as long as it runs. Answers
 * are counted by status (0: no answer).
 */
public final class LoginFlood implements AutoCloseable {

    private final Thread pacer;
    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<Integer, AtomicLong> answers = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    private LoginFlood(URI sessions, List<String> accounts, InetAddress from, double perSecond) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (from != null) {
            builder.localAddress(from);
        }
        HttpClient client = builder.build();
        long interval = Math.round(1e9 / perSecond);
        this.pacer = Thread.ofPlatform().name("login-flood").daemon().start(() -> {
            long due = System.nanoTime();
            for (long guess = 0; running; guess++) {
                String body = "{\"username\": \"" + accounts.get((int) (guess % accounts.size()))
                        + "\", \"password\": \"guess " + guess + "\"}";
                senders.submit(() -> answers.computeIfAbsent(send(client, sessions, body), status -> new AtomicLong())
                        .incrementAndGet());
                due += interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        });
    }

    /**
     * Starts guessing.
     *
     * @param from the local address to guess from, so that the address the service counts is the guesser's own
     *             and not that of the bench's other loads; null for the default
     */
    public static LoginFlood start(URI sessions, List<String> accounts, InetAddress from, double perSecond) {
        return new LoginFlood(sessions, accounts, from, perSecond);
    }

    private static int send(HttpClient client, URI sessions, String body) {
        try {
            return client.send(HttpRequest.newBuilder(sessions).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** Answers so far, by status. */
    public Map<Integer, Long> answers() {
        Map<Integer, Long> counts = new TreeMap<>();
        answers.forEach((status, count) -> counts.put(status, count.get()));
        return counts;
    }

    /** Stops guessing and waits for the answers to the guesses sent. */
    @Override
    public void close() {
        running = false;
        try {
            pacer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        senders.close();
    }
}
