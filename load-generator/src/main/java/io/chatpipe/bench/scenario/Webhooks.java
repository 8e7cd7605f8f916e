package io.chatpipe.bench.scenario;

import io.chatpipe.bench.scenario.Sizes;
import io.chatpipe.bench.measure.ClosedLoop;
import io.chatpipe.bench.measure.Load;
import io.chatpipe.bench.measure.Progress;
import io.chatpipe.bench.parts.Http;
import io.chatpipe.bench.parts.WebhookReceiver;
import io.chatpipe.bench.report.Figure;
import io.chatpipe.bench.report.ScenarioResult;
import io.chatpipe.events.ChatJson;
import io.chatpipe.events.Topics;
import io.chatpipe.events.WebhookSignature;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import org.HdrHistogram.Histogram;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Webhooks: a receiver the bench starts on loopback is registered for {@code message.accepted} through the
 * api-service, messages are submitted over REST, and the webhook-dispatcher's POSTs are timed at the receiver. The
 * baseline is the same receiver hit by the bench itself, with the same bodies, signed, over an HTTP client set up
 * as the dispatcher's, one request at a time as the dispatcher sends one endpoint's events.
 *
 * <p>Two rounds each. A backlog: the endpoint paused, the messages submitted until its outbox holds all their
 * events, then resumed; events/s at the receiver from its first arrival to its last (the bench's own: the bodies
 * sent one after the other). Then a paced load at a quarter of that rate (or of the api-service's intake in the
 * backlog, when that is slower), the dispatcher reading chat.messages as they come:
 * latency from the event's {@code createdAt} (the message's accepting by the api-service) to the POST's arrival;
 * for the bench's own POSTs from when each was due to its arrival. The dispatcher starts cold with the scenario: a
 * first backlog of the same size warms it up, not measured.
 */
public final class Webhooks implements Scenario {

    private static final Logger log = LoggerFactory.getLogger(Webhooks.class);
    private static final String SECRET = "bench-webhook-secret-0123456789abcdef";
    /** Conversations the messages are spread over (the dispatcher keeps one endpoint's events in one order). */
    private static final int CONVERSATIONS = 16;

    @Override
    public String name() {
        return "webhooks";
    }

    @Override
    public ScenarioResult run(BenchContext bench) throws Exception {
        Sizes sizes = bench.sizes();
        var result = new ScenarioResult(name(), "Webhooks: events POSTed/s and event to POST, beside the receiver hit directly");
        int count = sizes.drainMessages();
        String run = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        List<String> senders = BenchContext.users("wh" + run + "-s", CONVERSATIONS);
        List<String> recipients = BenchContext.users("wh" + run + "-r", CONVERSATIONS);
        bench.services().startWebhookDispatcher();
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            String endpoint = register(bench, receiver.url(), senders);
            try {
                var submit = new Submitter(bench, senders, recipients);
                var backlog = new Backlog(bench, receiver, submit, endpoint);
                log.info("Webhooks 1/4: a backlog of {} messages, to warm the dispatcher up (not measured)", count);
                Round warmUp = backlog.run("wh-warm-" + run, count);
                result.load(warmUp.submitted());
                log.info("Webhooks 2/4: a backlog of {} messages, measured", count);
                Round flood = backlog.run("wh-flood-" + run, count);
                result.load(flood.submitted());
                result.load(flood.delivered());
                List<String> bodies = flood.bodies();

                // a quarter of what the slower of the two took alone, the api-service's intake or the dispatcher's
                // sending, so that the latency is not a queue's: live, both run at once, with history-service
                // reading too (at half, on a loaded 2-core machine, the events came in slower than they were made)
                double rate = Math.max(1, Math.floor(Math.min(flood.delivered().itemsPerSecond(),
                        flood.submitted().itemsPerSecond()) / 4));
                int pacedCount = (int) Math.max(10, rate * sizes.endToEnd().toSeconds());
                log.info("Webhooks 3/4: {} messages at {} msg/s (a quarter of the slower of intake and sending)",
                        pacedCount, rate);
                Load paced = result.load(paced(bench, receiver, submit, "wh-paced-" + run, pacedCount, rate));

                log.info("Webhooks 4/4: the same receiver hit directly, {} bodies one at a time, then {} at {}/s",
                        bodies.size(), pacedCount, rate);
                var direct = new DirectPost(receiver.url());
                Load directFlood = result.load(direct.backlog(receiver, bodies));
                Load directPaced = result.load(direct.paced(receiver, bodies, pacedCount, rate));

                result.figure(new Figure(name(), "webhook events POSTed/s to one endpoint, a backlog of " + count,
                        flood.delivered().itemsPerSecond(), "events/s",
                        "the bench POSTing the same bodies to the same receiver, one at a time",
                        directFlood.itemsPerSecond(), true, ""));
                result.figure(Figure.latency(name(), String.format("webhook p99, event createdAt to POST arrival, at %.0f/s",
                        rate), paced.p99Ms(), "the bench's own POST, due to arrival, at the same rate",
                        directPaced.p99Ms(), ""));
                result.note(String.format("backlog of %,d: submitted at %.0f msg/s over REST with the endpoint paused; "
                                + "once resumed, the receiver got %,d events in %,d requests (repeats: %,d) in %.1f s",
                        count, flood.submitted().itemsPerSecond(), flood.delivered().items(), flood.requests(),
                        flood.requests() - flood.delivered().items(), flood.delivered().seconds()));
                result.note(String.format("paced at %.0f/s: event to POST p50 %.1f ms, p99 %.1f ms, max %.1f ms; direct "
                                + "p50 %.1f ms, p99 %.1f ms, max %.1f ms", rate, paced.p50Ms(), paced.p99Ms(),
                        paced.maxMs(), directPaced.p50Ms(), directPaced.p99Ms(), directPaced.maxMs()));
            } finally {
                Http.expect(bench.http().delete(bench.targets().api("/api/v1/webhooks/" + endpoint)), 204);
            }
        } finally {
            bench.services().stopWebhookDispatcher();
        }
        return result;
    }

    /** Registers the receiver for the senders' {@code message.accepted} events; its id. */
    private static String register(BenchContext bench, URI url, List<String> senders) throws Exception {
        var created = Http.expect(bench.http().postJson(bench.targets().api("/api/v1/webhooks"),
                ChatJson.MAPPER.writeValueAsString(Map.of("url", url.toString(), "secret", SECRET,
                        "events", List.of("message.accepted"), "users", senders))), 201);
        return String.valueOf(ChatJson.MAPPER.readValue(created.body(), Map.class).get("id"));
    }

    /** One backlog: how it was submitted, how it was POSTed (rate from first to last arrival), its bodies. */
    private record Round(Load submitted, Load delivered, long requests, List<String> bodies) {
    }

    /** The endpoint paused, its outbox filled, then resumed: the dispatcher's sending alone, nothing else running. */
    private record Backlog(BenchContext bench, WebhookReceiver receiver, Submitter submit, String endpoint) {

        Round run(String label, int count) throws Exception {
            Http.expect(bench.http().postJson(endpointUri("/pause"), "{}"), 200);
            String outbox = Topics.webhookOutbox(endpoint).name();
            long queuedBefore = queued(outbox);
            var next = new AtomicInteger();
            Load submitted = ClosedLoop.forItems("POST /api/v1/messages, " + label.substring(0, label.lastIndexOf('-'))
                            + " (" + count + " messages, " + bench.sizes().connections() + " connections)",
                    bench.sizes().connections(), count, Duration.ofMinutes(5), caller -> {
                        submit.send(label, next.getAndIncrement());
                        return 1;
                    });
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (bench.kafka().size(outbox) < queuedBefore + submitted.items()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(label + ": the outbox did not get every event in 5 minutes");
                }
                Thread.sleep(100);
            }
            receiver.clear();
            Http.expect(bench.http().postJson(endpointUri("/resume"), "{}"), 200);
            awaitEvents(receiver, label, (int) submitted.items());
            List<WebhookReceiver.Arrival> arrivals = receiver.arrivals().stream()
                    .sorted(Comparator.comparing(WebhookReceiver.Arrival::at)).toList();
            double seconds = spanSeconds(arrivals.size(), arrivals.getFirst().at(), arrivals.getLast().at());
            return new Round(submitted, Load.reported("webhook-dispatcher's POSTs of a backlog of " + submitted.items()
                            + " events, first to last arrival", arrivals.size(), seconds, arrivals.size() / seconds,
                    0, 0, 0, 0), receiver.requests(), arrivals.stream().map(WebhookReceiver.Arrival::body).toList());
        }

        /** The events in the outbox so far, once the dispatcher has made it (as it reads the endpoint's record). */
        private long queued(String outbox) throws Exception {
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (true) {
                try {
                    return bench.kafka().size(outbox);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(200);
                }
            }
        }

        private URI endpointUri(String action) {
            return bench.targets().api("/api/v1/webhooks/" + endpoint + action);
        }
    }

    private static Load paced(BenchContext bench, WebhookReceiver receiver, Submitter submit, String label, int count,
                              double rate) throws Exception {
        receiver.clear();
        pace(count, rate, i -> {
            try {
                submit.send(label, i);
            } catch (Exception e) {
                submit.failed(e);
            }
        });
        submit.throwIfFailed();
        awaitEvents(receiver, label, count);
        return delivered(String.format("webhook-dispatcher's POSTs at %.0f/s, event createdAt to arrival", rate),
                receiver.arrivals());
    }

    /** From each event's createdAt to its arrival; the rate from the first arrival to the last. */
    private static Load delivered(String name, List<WebhookReceiver.Arrival> arrivals) {
        Histogram micros = new Histogram(3);
        Instant first = null;
        Instant last = null;
        for (WebhookReceiver.Arrival arrival : arrivals) {
            Instant created = Instant.parse((String) ChatJson.MAPPER.readValue(arrival.body(), Map.class).get("createdAt"));
            micros.recordValue(Math.max(0, Duration.between(created, arrival.at()).toNanos() / 1000));
            first = first == null || arrival.at().isBefore(first) ? arrival.at() : first;
            last = last == null || arrival.at().isAfter(last) ? arrival.at() : last;
        }
        return Load.of(name, micros, arrivals.size(), 0, spanSeconds(arrivals.size(), first, last), null);
    }

    /** The span that makes {@code items / span} the rate between the first and the last of them. */
    private static double spanSeconds(int items, Instant first, Instant last) {
        if (items < 2) {
            return 0;
        }
        double seconds = Duration.between(first, last).toNanos() / 1e9;
        return Math.max(1e-3, seconds) * items / (items - 1);
    }

    private static void awaitEvents(WebhookReceiver receiver, String label, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        try (var progress = Progress.show("webhooks", () -> String.format("%,d of %,d POSTed", receiver.events(), count))) {
            while (receiver.events() < count && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        if (receiver.events() < count) {
            throw new IllegalStateException(String.format("%s: %,d of %,d events arrived in 5 minutes", label,
                    receiver.events(), count));
        }
    }

    /** Sends {@code count} calls at {@code perSecond}, each on a virtual thread when due; returns when all returned. */
    private static void pace(int count, double perSecond, IntConsumer call) {
        long interval = Math.round(1e9 / perSecond);
        long start = System.nanoTime() + 10_000_000;
        try (var callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                long wait = start + i * interval - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                int request = i;
                callers.submit(() -> call.accept(request));
            }
        }
    }

    /** POST /api/v1/messages from sender i % n to recipient i % n, the text labelled. */
    private static final class Submitter {

        private final BenchContext bench;
        private final List<String> senders;
        private final List<String> recipients;
        private final URI messages;
        private final AtomicReference<Exception> failure = new AtomicReference<>();

        Submitter(BenchContext bench, List<String> senders, List<String> recipients) {
            this.bench = bench;
            this.senders = senders;
            this.recipients = recipients;
            this.messages = bench.targets().api("/api/v1/messages");
        }

        void send(String label, int i) throws Exception {
            Http.expect(bench.http().postJson(messages, ChatJson.MAPPER.writeValueAsString(Map.of(
                    "fromId", senders.get(i % senders.size()), "toId", recipients.get(i % recipients.size()),
                    "message", bench.text(label + " " + i)))), 202);
        }

        void failed(Exception e) {
            failure.compareAndSet(null, e);
        }

        void throwIfFailed() throws Exception {
            if (failure.get() != null) {
                throw failure.get();
            }
        }
    }

    /**
     * The bench as the dispatcher would be without Kafka: the JDK's HttpClient set up as the dispatcher's (HTTP/1.1,
     * 5 s to connect, no redirects, 10 s for an answer), each body signed, one request at a time.
     */
    private static final class DirectPost {

        private final HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        private final URI url;

        DirectPost(URI url) {
            this.url = url;
        }

        Load backlog(WebhookReceiver receiver, List<String> bodies) throws Exception {
            receiver.clear();
            Map<String, Instant> sent = new ConcurrentHashMap<>();
            for (int i = 0; i < bodies.size(); i++) {
                sent.put("direct-" + i, Instant.now());
                post("direct-" + i, bodies.get(i));
            }
            return arrivals("the bench's own POSTs of the " + bodies.size() + " bodies, one at a time, send to arrival",
                    receiver, sent);
        }

        /** One sender, as the dispatcher's: a request due while the one before is still out waits for it. */
        Load paced(WebhookReceiver receiver, List<String> bodies, int count, double perSecond) throws Exception {
            receiver.clear();
            long interval = Math.round(1e9 / perSecond);
            Instant startWall = Instant.now().plusMillis(10);
            long start = System.nanoTime() + 10_000_000;
            Map<String, Instant> due = new ConcurrentHashMap<>();
            for (int i = 0; i < count; i++) {
                long wait = start + i * interval - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                String id = "direct-paced-" + i;
                due.put(id, startWall.plusNanos(i * interval));
                post(id, bodies.get(i % bodies.size()));
            }
            return arrivals(String.format("the bench's own POSTs at %.0f/s, due to arrival", perSecond), receiver, due);
        }

        private void post(String id, String body) throws Exception {
            var request = HttpRequest.newBuilder(url)
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "chatpipe-bench")
                    .header("Chatpipe-Event-Id", id)
                    .header("Chatpipe-Attempt", "1")
                    .header(WebhookSignature.HEADER, WebhookSignature.sign(SECRET, System.currentTimeMillis() / 1000, body))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            // as the dispatcher takes an answer: its (empty) body read, the connection kept for the next request
            HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("the receiver answered " + response.statusCode());
            }
        }

        /** Latency from each request's due (or send) time; the rate from the first arrival to the last. */
        private static Load arrivals(String name, WebhookReceiver receiver, Map<String, Instant> due) {
            Histogram micros = new Histogram(3);
            List<WebhookReceiver.Arrival> arrivals = receiver.arrivals();
            Instant first = null;
            Instant last = null;
            for (WebhookReceiver.Arrival arrival : arrivals) {
                Instant from = due.get(arrival.eventId());
                if (from != null) {
                    micros.recordValue(Math.max(0, Duration.between(from, arrival.at()).toNanos() / 1000));
                }
                first = first == null || arrival.at().isBefore(first) ? arrival.at() : first;
                last = last == null || arrival.at().isAfter(last) ? arrival.at() : last;
            }
            return Load.of(name, micros, arrivals.size(), 0, spanSeconds(arrivals.size(), first, last), null);
        }
    }
}
