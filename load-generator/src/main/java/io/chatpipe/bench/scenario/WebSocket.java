package io.chatpipe.bench.scenario;

import io.chatpipe.bench.Sizes;
import io.chatpipe.bench.measure.Arrivals;
import io.chatpipe.bench.measure.FixedRate;
import io.chatpipe.bench.measure.Load;
import io.chatpipe.bench.measure.Progress;
import io.chatpipe.bench.parts.ChatSockets;
import io.chatpipe.bench.parts.Http;
import io.chatpipe.bench.report.Figure;
import io.chatpipe.bench.report.ScenarioResult;
import io.chatpipe.events.ChatJson;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenario 5: chat WebSocket sessions open at once on one api-service, and the latency of the live push of a
 * message sent over REST to one of their users (REST to Kafka to the api-service's tail to the session), beside
 * the REST accept latency of the same requests; the api-service's heap before and with the sessions.
 */
public final class WebSocket implements Scenario {

    private static final Logger log = LoggerFactory.getLogger(WebSocket.class);

    private static final double MIB = 1024 * 1024;

    @Override
    public String name() {
        return "websocket";
    }

    @Override
    public ScenarioResult run(BenchContext bench) throws Exception {
        Sizes sizes = bench.sizes();
        var result = new ScenarioResult(name(), "WebSocket: concurrent sessions, live fan-out, heap");
        var login = bench.http().postJson(bench.targets().api("/api/v1/sessions"), "{}");
        if (login.statusCode() == 404 || login.statusCode() == 405) {
            result.note("skipped: the api-service has no POST /api/v1/sessions (" + login.statusCode() + ")");
            return result;
        }
        Heap before = Heap.of(bench);
        var fanOut = new Arrivals();
        Histogram acceptMicros = new ConcurrentHistogram(3);
        List<String> users = BenchContext.users("w", sizes.webSocketSessions());
        var opened = new ConcurrentLinkedQueue<String>();
        var failures = new AtomicLong();
        var firstFailure = new AtomicReference<String>();

        try (var sockets = new ChatSockets(bench.http(), bench.targets().api(), content -> arrived(content, fanOut))) {
            log.info("WebSocket 1/2: {} users log in and open a chat WebSocket each", users.size());
            long opening = System.nanoTime();
            try (var progress = Progress.show("sessions", () -> String.format("%,d of %,d open, %,d failed",
                    sockets.size(), users.size(), failures.get()));
                 var pool = Executors.newFixedThreadPool(16)) {
                for (String user : users) {
                    pool.submit(() -> {
                        try {
                            sockets.open(user, BenchContext.PASSWORD);
                            opened.add(user);
                        } catch (Exception e) {
                            failures.incrementAndGet();
                            firstFailure.compareAndSet(null, e.toString());
                        }
                    });
                }
            }
            if (opened.isEmpty()) {
                throw new IllegalStateException("no WebSocket session opened: " + firstFailure.get());
            }
            double openSeconds = (System.nanoTime() - opening) / 1e9;
            Heap with = Heap.of(bench);
            List<String> online = List.copyOf(opened);
            int count = (int) Math.max(1, Math.round(sizes.fanOutRate() * sizes.endToEnd().toNanos() / 1e9));
            double seconds = count / (double) sizes.fanOutRate();
            URI messages = bench.targets().api("/api/v1/messages");
            log.info("WebSocket 2/2: {} messages at {} msg/s over REST, each pushed live to one of {} sessions",
                    count, sizes.fanOutRate(), online.size());
            try (var progress = Progress.show("fan-out", () -> String.format("%,d of %,d pushed", fanOut.received(),
                    count))) {
                FixedRate.send(count, sizes.fanOutRate(), fanOut, i -> {
                    long sent = System.nanoTime();
                    try {
                        Http.expect(bench.http().postJson(messages, ChatJson.MAPPER.writeValueAsString(Map.of(
                                "fromId", "bench-wsender", "toId", online.get(i % online.size()),
                                "message", bench.text("ws " + i)))), 202);
                        acceptMicros.recordValue((System.nanoTime() - sent) / 1000);
                    } catch (Exception e) {
                        fanOut.failed(i, e);
                    }
                });
                fanOut.await(Duration.ofSeconds(30));
            }
            Load push = result.load(fanOut.load(String.format("REST to WebSocket push, %d msg/s, %,d sessions",
                    sizes.fanOutRate(), online.size()), seconds));
            Load accept = result.load(Load.of("REST accept of the same requests", acceptMicros,
                    acceptMicros.getTotalCount(), 0, seconds, null));

            result.figure(Figure.latency(name(), "live fan-out p99 (REST to session)", push.p99Ms(),
                    "REST accept p99, same requests", accept.p99Ms(), ""));
            result.figure(new Figure(name(), String.format("api-service heap used, %,d sessions", online.size()),
                    with.usedMiB(), "MiB", "heap used before the sessions", before.usedMiB(), false,
                    "10,000 sessions ≤ 2 GiB"));
            result.note(String.format("%,d of %,d sessions opened (%,d failed%s); heap used %.0f MiB before, %.0f MiB "
                            + "with them; live data after the last GC %.0f MiB before, %.0f MiB with them; the "
                            + "bench's api-service runs with -Xmx512m", online.size(), users.size(), failures.get(),
                    firstFailure.get() == null ? "" : ", first: " + firstFailure.get(), before.usedMiB(),
                    with.usedMiB(), before.liveMiB(), with.liveMiB()));
            result.note(String.format("sessions opened at %.0f/s (16 at a time): each is a login, POST /api/v1/sessions, "
                    + "whose BCrypt password check bounds the rate; hence fewer sessions than the issue's 10,000 by "
                    + "default (--websocket-sessions)", online.size() / openSeconds));
        }
        return result;
    }

    private static void arrived(String content, Arrivals arrivals) {
        String[] words = content.split(" ", 3);
        if (words.length > 1 && words[0].equals("ws")) {
            try {
                arrivals.received(Integer.parseInt(words[1]));
            } catch (NumberFormatException e) {
                // not one of ours
            }
        }
    }

    /** The api-service's heap, from its Prometheus metrics. */
    record Heap(double usedMiB, double liveMiB) {

        static Heap of(BenchContext bench) throws Exception {
            String metrics = Http.expect(bench.http().get(bench.targets().api("/actuator/prometheus")), 200).body();
            double used = 0;
            double live = 0;
            for (String line : metrics.lines().toList()) {
                if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                    used += value(line);
                } else if (line.startsWith("jvm_gc_live_data_size_bytes")) {
                    live = value(line);
                }
            }
            return new Heap(used / MIB, live / MIB);
        }

        private static double value(String line) {
            return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
    }
}
