package io.chatpipe.bench.scenario;

import io.chatpipe.bench.scenario.Sizes;
import io.chatpipe.bench.measure.Arrivals;
import io.chatpipe.bench.measure.FixedRate;
import io.chatpipe.bench.measure.Load;
import io.chatpipe.bench.measure.Progress;
import io.chatpipe.bench.parts.ChatSockets;
import io.chatpipe.bench.parts.Http;
import io.chatpipe.bench.report.Figure;
import io.chatpipe.bench.report.ScenarioResult;
import io.chatpipe.events.AccountRegistered;
import io.chatpipe.events.ChatJson;
import io.chatpipe.events.UserId;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * Scenario 5: chat WebSocket sessions open at once on one api-service, users holding several each (tabs,
 * devices), and the latency of the live push of a message sent over REST to one of those users (REST to Kafka
 * to the api-service's tail to every session of the user), each pushed frame timed, beside the REST accept
 * latency of the same requests; the api-service's heap after a full GC, before and with the sessions.
 *
 * <p>Every session is a real login ({@code POST /api/v1/sessions}: a token opens one socket, once) and a real
 * WebSocket. The users' accounts are written to chat.accounts beforehand with BCrypt hashes of cost
 * {@value #BCRYPT_COST} (16 rounds), where a first login would store cost 10 (1,024 rounds): the password check
 * is 64 times cheaper, so that 10,000 logins take a minute rather than most of an hour on two cores. What is
 * measured is the sessions, not the login.
 */
public final class WebSocket implements Scenario {

    private static final Logger log = LoggerFactory.getLogger(WebSocket.class);

    private static final double MIB = 1024 * 1024;

    /** BCrypt's cost (log2 of its rounds) in the bench's accounts. */
    static final int BCRYPT_COST = 4;

    /** Sessions opening at once: a login and a handshake each. */
    static final int OPENERS = 32;

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
        int sessions = sizes.webSocketSessions();
        List<String> users = BenchContext.users("w", Math.ceilDiv(sessions, Math.max(1, sizes.sessionsPerUser())));
        log.info("WebSocket 1/3: {} accounts into chat.accounts (BCrypt cost {})", users.size(), BCRYPT_COST);
        String hash = "{bcrypt}" + BCrypt.hashpw(BenchContext.PASSWORD, BCrypt.gensalt(BCRYPT_COST));
        Instant now = Instant.now();
        bench.kafka().register(users.stream().map(user -> AccountRegistered.of(UserId.of(user), hash, now)).toList());

        Heap before = Heap.of(bench);
        double ownBefore = ownHeapMiB();
        List<String> recipients = new ArrayList<>();
        Map<String, Integer> held = new HashMap<>();
        var fanOut = new Arrivals(i -> held.get(recipients.get(i % recipients.size())));
        Histogram acceptMicros = new ConcurrentHistogram(3);
        var failures = new AtomicLong();
        var firstFailure = new AtomicReference<String>();

        try (var sockets = new ChatSockets(bench.http(), bench.targets().api(), content -> arrived(content, fanOut))) {
            log.info("WebSocket 2/3: {} sessions of {} users ({} each), {} opening at once: a login and a WebSocket each",
                    sessions, users.size(), sizes.sessionsPerUser(), OPENERS);
            long opening = System.nanoTime();
            long giveUp = Math.max(10, sessions / 100);   // a service that stopped taking sessions fails each slowly
            try (var progress = Progress.show("sessions", () -> String.format("%,d of %,d open, %,d failed",
                    sockets.size(), sessions, failures.get()));
                 var pool = Executors.newFixedThreadPool(OPENERS)) {
                for (int s = 0; s < sessions; s++) {
                    String user = users.get(s % users.size());
                    pool.submit(() -> {
                        if (failures.get() >= giveUp) {
                            return;
                        }
                        try {
                            sockets.open(user, BenchContext.PASSWORD);
                        } catch (Exception e) {
                            failures.incrementAndGet();
                            firstFailure.compareAndSet(null, e.toString());
                        }
                    });
                }
            }
            double openSeconds = (System.nanoTime() - opening) / 1e9;
            int open = sockets.size();
            if (open == 0) {
                throw new IllegalStateException("no WebSocket session opened: " + firstFailure.get());
            }
            Heap with = Heap.of(bench);
            double ownWith = ownHeapMiB();
            recipients.addAll(sockets.users().stream().sorted().toList());
            recipients.forEach(user -> held.put(user, sockets.sessionsOf(user)));

            int count = (int) Math.max(1, Math.round(sizes.fanOutRate() * sizes.endToEnd().toNanos() / 1e9));
            long frames = 0;
            for (int i = 0; i < count; i++) {
                frames += held.get(recipients.get(i % recipients.size()));
            }
            long expected = frames;
            double seconds = count / (double) sizes.fanOutRate();
            URI messages = bench.targets().api("/api/v1/messages");
            log.info("WebSocket 3/3: {} messages at {} msg/s over REST to {} users, each pushed live to every session "
                    + "of its recipient ({} frames)", count, sizes.fanOutRate(), recipients.size(), expected);
            try (var progress = Progress.show("fan-out", () -> String.format("%,d of %,d frames pushed",
                    fanOut.received(), expected))) {
                FixedRate.send(count, sizes.fanOutRate(), fanOut, i -> {
                    long sent = System.nanoTime();
                    try {
                        Http.expect(bench.http().postJson(messages, ChatJson.MAPPER.writeValueAsString(Map.of(
                                "fromId", "bench-wsender", "toId", recipients.get(i % recipients.size()),
                                "message", bench.text("ws " + i)))), 202);
                        acceptMicros.recordValue((System.nanoTime() - sent) / 1000);
                    } catch (Exception e) {
                        fanOut.failed(i, e);
                    }
                });
                fanOut.await(Duration.ofSeconds(30));
            }
            Load push = result.load(fanOut.load(String.format("REST to WebSocket push, %d msg/s, each frame of %,d "
                    + "sessions", sizes.fanOutRate(), open), seconds));
            Load accept = result.load(Load.of("REST accept of the same requests", acceptMicros,
                    acceptMicros.getTotalCount(), 0, seconds, null));

            result.figure(Figure.latency(name(), "live fan-out p99 (REST to session)", push.p99Ms(),
                    "REST accept p99, same requests", accept.p99Ms(), ""));
            result.figure(new Figure(name(), String.format("api-service heap after GC, %,d sessions", open),
                    with.usedMiB(), "MiB", "heap after GC before the sessions", before.usedMiB(), false,
                    "10,000 sessions ≤ 2 GiB"));
            result.note(String.format("%,d of %,d sessions opened (%,d failed%s%s), %,d users with %d each; heap %s: "
                            + "%.0f MiB before, %.0f MiB with them, %.1f KiB a session; the api-service's heap may "
                            + "grow to %,.0f MiB", open, sessions, failures.get(),
                    firstFailure.get() == null ? "" : ", first: " + firstFailure.get(),
                    failures.get() >= giveUp ? "; the rest were not tried" : "", recipients.size(),
                    sizes.sessionsPerUser(), before.collected() && with.collected() ? "after a full GC (jcmd GC.run)"
                            : "used, as the api-service reported it (its garbage could not be collected first)",
                    before.usedMiB(), with.usedMiB(), (with.usedMiB() - before.usedMiB()) * 1024 / open, with.maxMiB()));
            result.note(String.format("sessions opened at %,.0f/s (%d at a time): each is a login, POST /api/v1/sessions, "
                            + "whose token opens one WebSocket once, then the handshake; the accounts are in "
                            + "chat.accounts beforehand with BCrypt cost %d hashes (%,d logins created theirs)",
                    open / openSeconds, OPENERS, BCRYPT_COST, sockets.accountsCreated()));
            result.note(String.format("fan-out: %,d of %,d frames pushed (one per session of the recipient), each "
                            + "timed from when its message was due; the load generator's own heap after GC: %.0f MiB "
                            + "before, %.0f MiB with the %,d client sockets (one shared JDK HttpClient)",
                    push.items(), expected, ownBefore, ownWith, open));
        }
        return result;
    }

    private static void arrived(String content, Arrivals arrivals) {
        int number = BenchContext.number(content);
        if (number >= 0 && BenchContext.label(content).equals("ws")) {
            arrivals.received(number);
        }
    }

    /** This JVM's heap in use after a collection. */
    private static double ownHeapMiB() {
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        return (runtime.totalMemory() - runtime.freeMemory()) / MIB;
    }

    /**
     * The api-service's heap in use, from its Prometheus metrics.
     *
     * @param maxMiB    the most it may grow to (-Xmx: the largest pool's limit, the old generation's)
     * @param collected whether a full GC ran in it just before, so that this is what it holds, not its garbage
     */
    record Heap(double usedMiB, double maxMiB, boolean collected) {

        static Heap of(BenchContext bench) throws Exception {
            boolean collected = bench.services().apiService().map(Heap::collect).orElse(false);
            String metrics = Http.expect(bench.http().get(bench.targets().api("/actuator/prometheus")), 200).body();
            double used = 0;
            double max = 0;
            for (String line : metrics.lines().filter(line -> line.contains("area=\"heap\"")).toList()) {
                double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                if (line.startsWith("jvm_memory_used_bytes{")) {
                    used += value;
                } else if (line.startsWith("jvm_memory_max_bytes{")) {
                    max = Math.max(max, value);
                }
            }
            return new Heap(used / MIB, max / MIB, collected);
        }

        /** {@code jcmd <pid> GC.run}: a full collection in that JVM. */
        private static boolean collect(ProcessHandle process) {
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            try {
                Process run = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "GC.run")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (run.waitFor(60, TimeUnit.SECONDS) && run.exitValue() == 0) {
                    return true;
                }
                run.destroy();
                log.warn("jcmd {} GC.run did not succeed; the api-service's heap is read as it is", process.pid());
            } catch (IOException e) {
                log.warn("Could not run jcmd {} GC.run: {}; the api-service's heap is read as it is", process.pid(),
                        e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }
}
