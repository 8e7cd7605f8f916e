package io.chatpipe.bench.scenario;

import io.chatpipe.bench.measure.Arrivals;
import io.chatpipe.bench.measure.ClosedLoop;
import io.chatpipe.bench.measure.FixedRate;
import io.chatpipe.bench.measure.GcPauses;
import io.chatpipe.bench.measure.Load;
import io.chatpipe.bench.measure.Progress;
import io.chatpipe.bench.parts.Http;
import io.chatpipe.bench.parts.LagTimer;
import io.chatpipe.bench.parts.XmppClients;
import io.chatpipe.bench.report.Figure;
import io.chatpipe.bench.report.ScenarioResult;
import io.chatpipe.events.ChatJson;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenario 3: latency from the REST request to receipt by the recipient's online XMPP client, at half the
 * end-to-end maximum, beside XMPP client-to-client latency through the same ejabberd at the same rate.
 *
 * <p>The maximum is measured first, on the same path with everything running: a closed loop of messages, each
 * posted once the one before it on its caller was received, two for each conversation in flight. The drain rate
 * is not it: the drain is the worker alone against a backlog, while here every message is also accepted over
 * REST and read by the history-service, on the same cores. The latency is then taken at half the maximum, in rounds
 * each way, after settling rounds that are reported but not pooled, as a JMH benchmark's warm-up iterations are;
 * and again at a quarter of the maximum (without an aim), which shows how the ratio follows the load on the
 * machine. When the drain ran before, the latency is measured at half its rate too (without an aim), the rate
 * earlier runs used.
 */
public final class EndToEnd implements Scenario {

    private static final Logger log = LoggerFactory.getLogger(EndToEnd.class);

    /** Messages in flight for each conversation while the maximum is measured. */
    private static final int IN_FLIGHT_PER_CONVERSATION = 2;

    /** Rounds of the latency at half the maximum (and at a quarter), each way: a figure is of all of them together. */
    private static final int ROUNDS = 3;

    /**
     * Rounds each way at the same rate before those, measured and reported but not in the aim's figure. The new
     * rate's paths are still being compiled: sampled by thread in one run, the JIT compiler threads of the
     * api-service, Kafka and the worker took up to 39%, 42% and 29% of a core in the first round, on a full
     * machine, 13-26% (the api-service's) in the second, and next to nothing from the third on.
     */
    private static final int SETTLING_ROUNDS = 2;

    @Override
    public String name() {
        return "e2e";
    }

    @Override
    public ScenarioResult run(BenchContext bench) throws Exception {
        var result = new ScenarioResult(name(), "End to end: REST request to receipt by an online XMPP client");
        Drain.Conversations conversations = Drain.Conversations.of(bench);
        var senders = conversations.senders().subList(0, Math.min(conversations.senders().size(),
                conversations.recipients().size()));
        var routes = new ConcurrentHashMap<String, IntConsumer>();
        bench.services().startWorker();
        var run = new Run(bench, conversations, bench.targets().api("/api/v1/messages"), routes);

        try (XmppClients recipients = XmppClients.login(bench.targets().xmpp(), conversations.recipients(),
                BenchContext.PASSWORD, body -> arrived(body, routes));
             XmppClients directSenders = XmppClients.login(bench.targets().xmpp(), senders, BenchContext.PASSWORD,
                     body -> { })) {
            // not measured: the first message of each conversation has the worker provision its users
            int conversationCount = conversations.senders().size();
            log.info("End to end: warming up, one message in each of the {} conversations", conversationCount);
            var warm = new Arrivals();
            routes.put("warm", warm::received);
            measure("warm-up", warm, conversationCount, conversationCount, 1,
                    i -> run.post("warm", i, warm, new ConcurrentHistogram(3)));

            int inFlight = IN_FLIGHT_PER_CONVERSATION * conversationCount;
            Load maximum = result.load(run.maximum(inFlight));
            double rate = Math.max(1, maximum.itemsPerSecond() / 2);
            result.note(String.format("the end-to-end maximum: %.0f msg/s received, a closed loop of %d messages "
                    + "in flight (%d a conversation), everything running; the latencies are measured at half of it",
                    maximum.itemsPerSecond(), inFlight, IN_FLIGHT_PER_CONVERSATION));
            run.compare(result, directSenders, rate, SETTLING_ROUNDS, ROUNDS, "", "≤ 3x", 50, 99, 99.9);
            // the same at half that rate, warm from the rounds before: how the ratio follows the machine's load
            double quarter = Math.max(1, rate / 2);
            run.compare(result, directSenders, quarter, 0, ROUNDS, " at a quarter of the maximum", "", 99);
            result.note(String.format("also at %.0f msg/s, a quarter of the end-to-end maximum, right after the "
                    + "rounds at half of it; no aim", quarter));

            Double drainRate = bench.measured().get("drainRate");
            if (drainRate != null && drainRate > 0) {
                run.compare(result, directSenders, Math.max(1, drainRate / 2), 0, 1, " at half the drain rate", "",
                        99);
                result.note(String.format("also at %.0f msg/s, half the drain rate measured in this run (the worker "
                        + "against a backlog, history-service reading it alongside), as runs before 2026-11-22 were; "
                        + "no aim", drainRate / 2));
            }
            result.note("latency runs from when each request was due (open loop, no coordinated omission) to the "
                    + "recipient client's receipt; sender and receiver share this JVM's clock");
        }
        return result;
    }

    /** The measurements of one run of the scenario, on its clients and conversations. */
    private final class Run {

        private final BenchContext bench;
        private final Drain.Conversations conversations;
        private final URI messages;
        /** Where a received message goes, by the first word of its body. */
        private final Map<String, IntConsumer> routes;
        private final LagTimer workerLag;
        private int measurements;

        Run(BenchContext bench, Drain.Conversations conversations, URI messages, Map<String, IntConsumer> routes) {
            this.bench = bench;
            this.conversations = conversations;
            this.messages = messages;
            this.routes = routes;
            this.workerLag = LagTimer.worker(bench.http(), bench.targets().worker());
        }

        /** A closed loop of {@code inFlight} callers, each posting its next message once its last one arrived. */
        Load maximum(int inFlight) {
            var receipts = new ConcurrentHashMap<Integer, CompletableFuture<Void>>();
            routes.put("max", i -> {
                CompletableFuture<Void> receipt = receipts.remove(i);
                if (receipt != null) {
                    receipt.complete(null);
                }
            });
            var next = new AtomicInteger();
            log.info("End to end: the maximum, {} messages in flight, each posted once the last on its caller arrived",
                    inFlight);
            return ClosedLoop.forDuration("end-to-end maximum: REST to XMPP client, " + inFlight + " in flight",
                    inFlight, bench.sizes().warmup(), bench.sizes().measure(), caller -> {
                        int i = next.getAndIncrement();
                        var receipt = new CompletableFuture<Void>();
                        receipts.put(i, receipt);
                        try {
                            post("max", i);
                            receipt.get(30, TimeUnit.SECONDS);
                        } finally {
                            receipts.remove(i);
                        }
                        return 1;
                    });
        }

        /**
         * Messages at {@code rate} through chatpipe, then as many from client to client, in {@code rounds} such
         * pairs, so that what changes on the shared machine over the minutes (a collection, a compaction) falls on
         * both sides alike. A figure for each of the {@code percentiles} over all rounds together, and each round's
         * p99 ratio in a note: one round's p99 rests on a few dozen messages. {@code settling} pairs go first,
         * each a load of its own and its ratio in the note, but not in the figures.
         */
        void compare(ScenarioResult result, XmppClients directSenders, double rate, int settling, int rounds,
                     String suffix, String aim, double... percentiles) throws Exception {
            int count = (int) Math.max(1, Math.round(rate * bench.sizes().endToEnd().toNanos() / 1e9));
            double seconds = count / rate;
            var chatpipeRounds = new ArrayList<Arrivals>();
            var directRounds = new ArrayList<Arrivals>();
            var settlingRatios = new ArrayList<String>();
            var ratios = new ArrayList<String>();
            var lags = new ArrayList<String>();
            var pauses = new ArrayList<String>();
            GcPauses gc = bench.gcPauses();
            for (int round = 1 - settling; round <= rounds; round++) {
                boolean settles = round < 1;
                String of = settles ? String.format(", settling round %d of %d", round + settling, settling)
                        : rounds == 1 ? "" : String.format(", round %d of %d", round, rounds);
                String named = settles ? "settling " + (round + settling) : Integer.toString(round);
                Arrivals e2e = new Arrivals();
                Arrivals c2c = new Arrivals();
                long start = System.currentTimeMillis();
                LagTimer.Snapshot lagBefore = workerLag.read();
                double e2eP99 = viaChatpipe(result, e2e, rate, count, seconds, suffix + of).p99Ms();
                OptionalDouble lagP99 = workerLag.read().percentileSince(lagBefore, 99);
                lags.add(named + ": " + (lagP99.isPresent() ? String.format("≤ %.1f ms", lagP99.getAsDouble())
                        : "beyond its buckets"));
                long turn = System.currentTimeMillis();
                double c2cP99 = clientToClient(result, directSenders, c2c, rate, count, seconds, suffix + of).p99Ms();
                if (gc.logged()) {
                    pauses.add(String.format("%s: %s / %s", named, GcPauses.describe(gc.between(start, turn)),
                            GcPauses.describe(gc.between(turn, System.currentTimeMillis()))));
                }
                String ratio = String.format("%.2fx", e2eP99 / c2cP99);
                if (settles) {
                    settlingRatios.add(ratio);
                } else {
                    ratios.add(ratio);
                    chatpipeRounds.add(e2e);
                    directRounds.add(c2c);
                }
            }
            Load e2e = Arrivals.pooled(String.format("REST to XMPP client via chatpipe, %.0f msg/s%s, %d rounds",
                    rate, suffix, rounds), chatpipeRounds, seconds * rounds);
            Load c2c = Arrivals.pooled(String.format("XMPP client to client, %.0f msg/s%s, %d rounds", rate, suffix,
                    rounds), directRounds, seconds * rounds);
            if (rounds > 1) {
                result.load(e2e);
                result.load(c2c);
                result.note(String.format("REST to XMPP client%s: %d rounds of %.0f s each way, taking turns; the "
                        + "figures are of all rounds together; the p99 ratio round by round: %s",
                        suffix, rounds, seconds, String.join(", ", ratios)));
            }
            if (settling > 0) {
                result.note(String.format("before them, %d settling rounds each way at the same rate, not in the "
                        + "figures; their p99 ratios: %s", settling, String.join(", ", settlingRatios)));
            }
            // where a round's tail formed: before the worker's call to ejabberd, or after it
            result.note(String.format("the worker's own lag%s, from acceptance to its call to ejabberd, p99 round by "
                    + "round (the upper bound of its timer's bucket): %s", suffix, String.join("; ", lags)));
            if (!pauses.isEmpty()) {
                // a pause in any process holds both cores: the likeliest cause of a round's tail
                result.note(String.format("GC pauses%s round by round, via chatpipe / client to client (from the GC "
                        + "logs of the stack's JVMs: process, pauses, their sum): %s", suffix,
                        String.join("; ", pauses)));
            }
            for (double percentile : percentiles) {
                result.figure(Figure.latency(name(), "REST to XMPP client" + suffix + ", p" + label(percentile),
                        at(e2e, percentile), "XMPP client to client p" + label(percentile), at(c2c, percentile),
                        percentile == 99 ? aim : ""));
            }
        }

        /** {@code count} messages at {@code rate}, POST /api/v1/messages to the recipient's client; and their accept. */
        private Load viaChatpipe(ScenarioResult result, Arrivals arrivals, double rate, int count, double seconds,
                                 String suffix) throws Exception {
            String label = "e2e" + ++measurements;
            routes.put(label, arrivals::received);
            log.info("End to end{}: {} messages at {} msg/s, POST /api/v1/messages to the recipient's XMPP client",
                    suffix, count, Math.round(rate));
            Histogram acceptMicros = new ConcurrentHistogram(3);
            Load e2e = result.load(measure(String.format("REST to XMPP client via chatpipe, %.0f msg/s%s", rate,
                    suffix), arrivals, count, rate, seconds, i -> post(label, i, arrivals, acceptMicros)));
            // how much of it is the accept: the rest is Kafka to the worker, the worker, and ejabberd
            result.load(Load.of(String.format("REST accept of the same requests, %.0f msg/s%s", rate, suffix),
                    acceptMicros, acceptMicros.getTotalCount(), 0, seconds, null));
            return e2e;
        }

        /** {@code count} messages at {@code rate} from the senders' clients to the recipients', through ejabberd. */
        private Load clientToClient(ScenarioResult result, XmppClients directSenders, Arrivals arrivals, double rate,
                                    int count, double seconds, String suffix) throws Exception {
            String label = "c2c" + ++measurements;
            routes.put(label, arrivals::received);
            log.info("End to end{}: {} messages at {} msg/s, XMPP client to XMPP client through ejabberd",
                    suffix, count, Math.round(rate));
            List<String> recipients = conversations.recipients();
            return result.load(measure(String.format("XMPP client to client, %.0f msg/s%s", rate, suffix), arrivals,
                    count, rate, seconds, i -> {
                        try {
                            directSenders.send(i, recipients.get(i % recipients.size()), bench.text(label + " " + i));
                        } catch (Exception e) {
                            arrivals.failed(i, e);
                        }
                    }));
        }

        /** Message {@code i} over REST, labelled for its arrival; the time to its 202 goes to {@code acceptMicros}. */
        void post(String label, int i, Arrivals arrivals, Histogram acceptMicros) {
            try {
                long sent = System.nanoTime();
                post(label, i);
                acceptMicros.recordValue((System.nanoTime() - sent) / 1000);
            } catch (Exception e) {
                arrivals.failed(i, e);
            }
        }

        private void post(String label, int i) throws Exception {
            Http.expect(bench.http().postJson(messages, ChatJson.MAPPER.writeValueAsString(Map.of(
                    "fromId", conversations.sender(i), "toId", conversations.recipient(i),
                    "message", bench.text(label + " " + i)))), 202);
        }
    }

    private static Load measure(String name, Arrivals arrivals, int count, double rate, double seconds,
            IntConsumer send) throws InterruptedException {
        try (var progress = Progress.show(name, () -> String.format("%,d of %,d received", arrivals.received(), count))) {
            FixedRate.send(count, rate, arrivals, send);
            arrivals.await(Duration.ofSeconds(30));
        }
        return arrivals.load(name, seconds);
    }

    /** A body is a label, a message number, then padding: {@code e2e1 17 lorem lorem}. */
    private static void arrived(String body, Map<String, IntConsumer> routes) {
        IntConsumer route = routes.get(BenchContext.label(body));
        int number = BenchContext.number(body);
        if (route != null && number >= 0) {
            route.accept(number);
        }
    }

    private static double at(Load load, double percentile) {
        return percentile == 50 ? load.p50Ms() : percentile == 99 ? load.p99Ms() : load.p999Ms();
    }

    private static String label(double percentile) {
        return percentile == 99.9 ? "99.9" : Long.toString(Math.round(percentile));
    }
}
