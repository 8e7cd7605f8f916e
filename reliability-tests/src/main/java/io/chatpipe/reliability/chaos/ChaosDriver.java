package io.chatpipe.reliability.chaos;

import io.chatpipe.events.ChatJson;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.UserId;
import io.chatpipe.supervisor.ApiKey;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Sends the run's messages at a steady rate, as an application would: each conversation in order, one
 * message at a time, a failed request retried with the same clientMessageId (so that a retry cannot make a
 * second message) until it gets a 2xx or the driver gives up on it. Fault {@code k} begins when the stream
 * reaches {@code (k + 1) / (faults + 1)} of its messages; the stream does not pass the next fault's point
 * until the previous fault is over, so every fault happens with messages flowing.
 *
 * <p>With several api-service instances the requests take turns over them, as behind a load balancer: a
 * conversation's messages go to each in turn, and a retry goes to the next one.
 */
final class ChaosDriver {

    private static final Logger log = LoggerFactory.getLogger(ChaosDriver.class);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration FAULT_TIMEOUT = Duration.ofMinutes(10);

    private final ChaosSettings settings;
    private final List<URI> endpoints;
    private final ApiKey key;
    private final HttpClient http;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger retries = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    /** Set by {@link #stop()}: no message starts, and none is tried again. */
    private volatile boolean stopped;
    private volatile boolean driving;
    /** Counted down once {@link #drive} has returned: no request of the driver is under way any more. */
    private final CountDownLatch done = new CountDownLatch(1);

    ChaosDriver(ChaosSettings settings, List<String> apiUrls, ApiKey key) {
        this.settings = settings;
        this.endpoints = apiUrls.stream().map(url -> URI.create(url + "/api/v1/messages")).toList();
        this.key = key;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(3))
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    /**
     * Sends no more requests, and returns once those under way have ended (at most twice a request's timeout): what a
     * stop of the run (SIGTERM, Ctrl-C) does first, before the stack's stop. The stream's messages not begun yet are
     * left out, not counted.
     */
    void stop() {
        stopped = true;
        if (driving) {
            try {
                if (!done.await(REQUEST_TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS)) {
                    log.warn("The driver's requests still under way after {}; stopping the stack anyway",
                            REQUEST_TIMEOUT.multipliedBy(2));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Sends every message, injecting the faults on the way; returns what became of each message. */
    List<SentMessage> drive(FaultInjector faults) throws InterruptedException {
        driving = true;
        try {
            return driveAll(faults);
        } finally {
            done.countDown();
        }
    }

    private List<SentMessage> driveAll(FaultInjector faults) throws InterruptedException {
        int n = settings.messages();
        int c = settings.conversations();
        List<Semaphore> tickets = new ArrayList<>();
        List<List<SentMessage>> results = new ArrayList<>();
        for (int i = 0; i < c; i++) {
            tickets.add(new Semaphore(0));
            results.add(new ArrayList<>());
        }
        long[] faultPoints = new long[faults.count()];
        for (int k = 0; k < faultPoints.length; k++) {
            faultPoints[k] = (long) (k + 1) * n / (faultPoints.length + 1);
        }

        long start = System.nanoTime();
        faults.driveStarted(start);
        try (var conversations = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < c; i++) {
                int conversation = i;
                conversations.submit(() -> {
                    for (int seq = 0; seq < settings.messagesOf(conversation); seq++) {
                        tickets.get(conversation).acquireUninterruptibly();
                        if (stopped) {
                            return;
                        }
                        results.get(conversation).add(send(conversation, seq));
                    }
                });
            }
            int nextFault = 0;
            long paused = 0;
            long lastReport = start;
            for (int t = 0; t < n && !stopped; t++) {
                if (nextFault < faultPoints.length && t == faultPoints[nextFault]) {
                    if (nextFault > 0) {
                        long before = System.nanoTime();
                        faults.awaitDone(nextFault - 1, FAULT_TIMEOUT);
                        paused += System.nanoTime() - before;
                    }
                    faults.begin(nextFault, t);
                    nextFault++;
                }
                long due = start + paused + (long) (t * 1e9 / settings.rate());
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(Duration.ofNanos(wait));
                }
                tickets.get(t % c).release();
                if (System.nanoTime() - lastReport > 10_000_000_000L) {
                    lastReport = System.nanoTime();
                    log.info("{} of {} messages started: {} accepted, {} retries, {} given up", t + 1, n,
                            accepted.get(), retries.get(), failed.get());
                }
            }
            if (stopped) {
                log.info("The driver stops: no more messages");
                tickets.forEach(ticket -> ticket.release(n));   // each conversation's sender sees the stop and ends
            }
        }
        log.info("{} {} messages sent in {} s: {} accepted, {} retries, {} given up", stopped ? "Stopped:" : "All",
                stopped ? results.stream().mapToInt(List::size).sum() : n, (System.nanoTime() - start) / 1_000_000_000, accepted.get(),
                retries.get(), failed.get());
        return results.stream().flatMap(List::stream).toList();
    }

    private SentMessage send(int conversation, int seq) {
        String from = settings.sender(conversation);
        String to = settings.recipient(conversation);
        String clientId = settings.clientMessageId(conversation, seq);
        String expectedId = MessageId.forClientMessage(UserId.of(from), clientId).toString();
        Map<String, String> body = new LinkedHashMap<>();
        body.put("fromId", from);
        body.put("toId", to);
        body.put("message", settings.body(conversation, seq));
        body.put("clientMessageId", clientId);
        String json = ChatJson.MAPPER.writeValueAsString(body);
        long giveUp = System.nanoTime() + settings.giveUpAfter().toNanos();
        int attempts = 0;
        int status = 0;
        String error = null;
        Duration backoff = Duration.ofMillis(250);
        while (true) {
            if (stopped && attempts > 0) {
                failed.incrementAndGet();
                return new SentMessage(conversation, seq, from, to, clientId, expectedId,
                        SentMessage.Outcome.NOT_ACCEPTED, status, attempts, "the run was stopped: " + error);
            }
            var request = HttpRequest.newBuilder(endpoints.get((seq + attempts) % endpoints.size()))
                    .timeout(REQUEST_TIMEOUT).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json));
            if (key != null) {
                request.header("Authorization", key.authorization());
            }
            attempts++;
            try {
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                status = response.statusCode();
                if (status >= 200 && status < 300) {
                    JsonNode receipt = ChatJson.MAPPER.readTree(response.body());
                    String id = receipt.path("messageId").asString(expectedId);
                    accepted.incrementAndGet();
                    return new SentMessage(conversation, seq, from, to, clientId, id, SentMessage.Outcome.ACCEPTED,
                            status, attempts, id.equals(expectedId) ? null : "the service gave id " + id);
                }
                error = status + " " + abbreviate(response.body());
                if (status >= 400 && status < 500 && status != 429 && status != 408) {
                    failed.incrementAndGet();
                    return new SentMessage(conversation, seq, from, to, clientId, expectedId,
                            SentMessage.Outcome.REFUSED, status, attempts, error);
                }
            } catch (IOException e) {
                status = 0;
                error = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                error = "interrupted";
            }
            if (System.nanoTime() > giveUp || Thread.currentThread().isInterrupted()) {
                failed.incrementAndGet();
                return new SentMessage(conversation, seq, from, to, clientId, expectedId,
                        SentMessage.Outcome.NOT_ACCEPTED, status, attempts, error);
            }
            retries.incrementAndGet();
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(3)) > 0 ? Duration.ofSeconds(3)
                    : backoff.multipliedBy(2);
        }
    }

    private static String abbreviate(String text) {
        return text == null ? "" : text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
