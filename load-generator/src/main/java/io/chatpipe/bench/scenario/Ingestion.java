package io.chatpipe.bench.scenario;

import io.chatpipe.bench.baseline.NoOpApi;
import io.chatpipe.bench.measure.ClosedLoop;
import io.chatpipe.bench.measure.Load;
import io.chatpipe.bench.parts.Http;
import io.chatpipe.bench.parts.Kafka;
import io.chatpipe.bench.parts.LoginFlood;
import io.chatpipe.bench.parts.ProcessCpu;
import io.chatpipe.bench.report.Figure;
import io.chatpipe.bench.report.ScenarioResult;
import io.chatpipe.events.ChatJson;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenario 1: messages/s the api-service accepts (202: in Kafka, acks=all, idempotent) over REST, one message
 * per request on keep-alive connections and in batches, beside a no-op of the same endpoint ({@link NoOpApi}: the
 * api-service's web layer and checks without Kafka, in a JVM of its own started with the api-service's JVM options,
 * warmed up alike and measured in turns with it), Kafka's ProducerPerformance with the same record size and producer
 * settings, and the direct path of one synchronous ejabberd send_message per message. Single messages are measured
 * once more with a login flood alongside (wrong passwords at a fixed rate, more than the cores could hash), beside
 * the same load without it, and once more with history-service reading what they write, as ./chatpipe run deploys
 * them on one machine.
 */
public final class Ingestion implements Scenario {

    private static final Logger log = LoggerFactory.getLogger(Ingestion.class);

    static final String PERF_TOPIC = "bench.producer-performance";
    /** The baseline's message endpoint, which writes nothing. */
    static final String NO_OP = NoOpApi.PATH;

    /** The single-message endpoint. */
    static final String SINGLE = "/api/v1/messages";

    /** Rounds of the no-op and single messages, measured in turns. */
    static final int ROUNDS = 2;

    /** A warm-up span in which the JVM spent at most this share of its CPU time compiling ends the warm-up. */
    static final double WARM_JIT_SHARE = 0.05;
    /** The most warm-up spans, each as long as a measurement. */
    static final int MAX_WARM_UP_SPANS = 10;

    /** How long each process's idle spending is measured before the passes whose CPU time is read. */
    static final Duration QUIET = Duration.ofSeconds(3);

    /** {@link BenchContext#measured()}: the api-service's CPU ms per accepted single message, history stopped. */
    static final String API_CPU_PER_ACCEPT = "apiCpuMillisPerAccept";
    /** {@link BenchContext#measured()}: the broker's CPU ms per accepted single message, history stopped. */
    static final String BROKER_CPU_PER_ACCEPT = "brokerCpuMillisPerAccept";

    /**
     * Wrong passwords a second in the login flood: five times what one guesser reached over 8 connections before
     * logins were throttled (18/s, each a BCrypt check), and more than two cores can hash.
     */
    static final int FLOOD_RATE = 100;
    /** The accounts the flood guesses at. */
    static final int FLOOD_ACCOUNTS = 8;

    @Override
    public String name() {
        return "ingest";
    }

    @Override
    public ScenarioResult run(BenchContext bench) throws Exception {
        Sizes sizes = bench.sizes();
        var result = new ScenarioResult(name(), "Ingestion: accepted messages/s over REST");
        List<String> senders = BenchContext.users("s", sizes.conversations());
        List<String> recipients = BenchContext.users("r", sizes.recipients());
        String text = bench.text("ingest");
        int connections = sizes.connections();
        String baseline = "POST " + NO_OP;
        List<String> bodies = messages(senders, recipients, connections, text);
        // ProducerPerformance has Kafka to itself; so, for the no-op and the figures held to the aims, has the
        // api-service: the history-service would read (and catch up on) what it accepts on the same two cores
        log.info("Ingestion: stopping history-service, so that the api-service and Kafka have the machine to themselves");
        var stopped = History.whileStopped(bench, "ingestion", () -> {
            Interleaved rounds = interleaved(bench, result, baseline, bodies);
            Load batches = batches(bench, result, senders, recipients, text, "history-service stopped", 4);
            return new Alone(rounds, batches, flooded(bench, result, bodies));
        });
        result.note(String.format("history-service was stopped for the warm-ups, the no-op, the passes held to the "
                + "aims and the login flood, then caught up on what it missed in %.0f s, before the pass with it "
                + "reading alongside", stopped.catchUpSeconds()));
        Interleaved rounds = stopped.result().rounds();
        Load noop = rounds.noOp();
        Load rest = rounds.single();
        Load batches = stopped.result().batches();
        Load flooded = stopped.result().flooded();
        if (rounds.cpuMillis().containsKey("api-service")) {   // its process found by its command line
            bench.measured().put(API_CPU_PER_ACCEPT, rounds.cpuMillis().get("api-service"));
            bench.measured().put(BROKER_CPU_PER_ACCEPT, rounds.cpuMillis().getOrDefault("broker", 0.0));
        }

        Alongside alongside = alongside(bench, result, bodies, rounds);
        Load alongsideBatches = batches(bench, result, senders, recipients, text,
                "with history-service reading alongside", 7);

        int recordSize = Kafka.recordSize(MessageAccepted.of(MessageId.random(), UserId.of(senders.getFirst()),
                UserId.of(recipients.getFirst()), text, Instant.now(), null));
        log.info("Ingestion 8/9: Kafka ProducerPerformance, {} records of {} bytes, acks=all, idempotent",
                sizes.producerRecords(), recordSize);
        bench.kafka().ensureTopic(PERF_TOPIC, 4);
        Load producer = result.load(bench.kafkaTools().producerPerformance(PERF_TOPIC, sizes.producerRecords(),
                recordSize));

        log.info("Ingestion 9/9: ejabberd send_message, one synchronous call per message, {} callers", connections);
        List<String> offlineSenders = BenchContext.users("is", connections);
        List<String> offlineRecipients = BenchContext.users("ir", connections);
        List<String> accounts = new ArrayList<>(offlineSenders);
        accounts.addAll(offlineRecipients);
        bench.register(accounts);
        Load direct = result.load(ClosedLoop.forDuration("ejabberd send_message per message, " + connections
                + " callers", connections, sizes.warmup(), sizes.measure(), caller -> {
                    bench.ejabberd().sendMessage(offlineSenders.get(caller), offlineRecipients.get(caller), text);
                    return 1;
                }));

        String scenario = name();
        result.figure(Figure.rate(scenario, "single-message REST, accepted/s", rest.itemsPerSecond(),
                baseline + " (no-op)", noop.itemsPerSecond(), "≥ 0.8x"));
        result.figure(Figure.latency(scenario, "single-message REST, p50", rest.p50Ms(),
                baseline + " p50", noop.p50Ms(), ""));
        result.figure(Figure.latency(scenario, "single-message REST, p99", rest.p99Ms(),
                baseline + " p99", noop.p99Ms(), ""));
        if (batches != null) {
            result.figure(Figure.rate(scenario, "batch REST, accepted/s", batches.itemsPerSecond(),
                    "Kafka ProducerPerformance", producer.itemsPerSecond(), "≥ 0.5x"));
        }
        result.figure(Figure.rate(scenario, "single-message REST, a login flood alongside, accepted/s",
                flooded.itemsPerSecond(), "single-message REST, the same pass without it", rest.itemsPerSecond(),
                "≥ 0.9x"));
        result.figure(Figure.rate(scenario, "single-message REST, history-service reading alongside, accepted/s",
                alongside.single().itemsPerSecond(), baseline + " (no-op)", noop.itemsPerSecond(), "≥ 0.5x"));
        if (alongsideBatches != null) {
            result.figure(Figure.rate(scenario, "batch REST, history-service reading alongside, accepted/s",
                    alongsideBatches.itemsPerSecond(), "Kafka ProducerPerformance", producer.itemsPerSecond(), ""));
        }
        result.figure(Figure.rate(scenario, "single-message REST vs one ejabberd call per message, accepted/s",
                rest.itemsPerSecond(), "ejabberd send_message per message", direct.itemsPerSecond(), "≥ 50x"));
        if (batches != null) {
            result.figure(Figure.rate(scenario, "batch REST vs one ejabberd call per message, accepted/s",
                    batches.itemsPerSecond(), "ejabberd send_message per message", direct.itemsPerSecond(), "≥ 50x"));
        }
        result.note(rounds.describe());
        result.note(alongside.describe(rounds));
        result.note("no-op baseline: POST " + NO_OP + " of the load generator's NoOpApiApplication, the api-service's "
                + "web layer without Kafka, in a JVM of its own started with the api-service's JVM options (heap, "
                + "GC): the same api-service.yml (Tomcat), message, API key check, rate limit, body checks, JSON "
                + "reading, rules and ids as POST /api/v1/messages, answered 202 without writing to Kafka");
        result.note("the direct path is ejabberd's send_message called once per message, to offline "
                + "recipients (offline storage), without an HTTP server of its own in front: an upper bound for "
                + "sending each message straight to ejabberd, so the ratio is a lower bound for chatpipe");
        result.note("the REST loads (single messages, the no-op, batches) are sent by wrk, a client in C, so that the "
                + "load generator takes little of the two cores the api-service and Kafka run on: through the JDK's "
                + "HttpClient the single-message load stopped at what the client could send");
        result.note("ProducerPerformance sends as fast as its buffer takes records (--throughput -1), so its "
                + "latencies are mostly time queued in its own buffer: its rate is the baseline, not its latency");
        result.note("with history-service stopped, the no-op and the api-service are each warmed up alike (at full "
                + "load, " + sizes.measure().toSeconds() + " s at a time, until the JVM spends at most "
                + Math.round(WARM_JIT_SHARE * 100) + "% of its CPU in a span compiling), then measured in turns, "
                + ROUNDS + " rounds of no-op then single messages (each settling " + sizes.warmup().toSeconds()
                + " s first), pooled; the aims are held to these passes. The pass with "
                + "history-service reading alongside comes after it has caught up, the api-service warm, and reads "
                + "what is accepted meanwhile on the same two cores, as ./chatpipe run deploys them; the worker does "
                + "not run during ingestion");
        return result;
    }

    /**
     * The JVM options of the api-service's command line (its arguments before {@code -jar}: heap, GC log, the
     * JDK's settings), its GC log renamed for the no-op; {@code -Xmx512m} when they name no heap (the api-service's
     * process could not be told).
     */
    static List<String> noOpJvmOptions(List<String> apiArguments) {
        List<String> options = apiArguments.stream().takeWhile(arg -> arg.startsWith("-") && !arg.equals("-jar")
                        && !arg.equals("-cp") && !arg.equals("-classpath"))
                .map(arg -> arg.startsWith("-Xlog:gc") ? arg.replace("/api-service-", "/no-op-api-") : arg)
                .toList();
        return options.stream().anyMatch(option -> option.startsWith("-Xmx")) ? options : List.of("-Xmx512m");
    }

    /**
     * The no-op baseline ({@link NoOpApi}, started with the api-service's JVM options) and single messages to the
     * api-service, each JVM warmed up alike, then measured in turns, {@link #ROUNDS} times, so that neither is
     * measured at a quieter moment of a shared machine than the other. Each JVM's CPU time is read over its own
     * measured passes. The api-service is idle while the no-op is measured, and the no-op while the api-service is.
     */
    private static Interleaved interleaved(BenchContext bench, ScenarioResult result, String baseline,
            List<String> bodies) throws Exception {
        Sizes sizes = bench.sizes();
        List<String> options = noOpJvmOptions(bench.services().apiService()
                .flatMap(process -> process.info().arguments()).map(List::of).orElse(List.of()));
        log.info("Ingestion 1/9: starting the no-op baseline in a JVM of its own ({})", options);
        try (NoOpApi noOpApi = NoOpApi.start(options, bench.workDir().resolve("no-op-api.log"))) {
            URI noOp = noOpApi.uri(NO_OP);
            URI single = bench.targets().api(SINGLE);
            ProcessCpu noOpCpu = ProcessCpu.of(Map.of("no-op", noOpApi.process()));
            ProcessCpu apiCpu = ProcessCpu.ofHistory(bench.targets());   // history stopped: the api-service, Kafka
            Map<String, Double> idle = new LinkedHashMap<>(apiCpu.idleRates(QUIET));
            idle.putAll(noOpCpu.idleRates(QUIET));
            log.info("Ingestion 2/9: warming the no-op baseline and the api-service up alike");
            String warmUps = warmUp(bench, "the no-op", noOp, bodies, Optional.of(noOpApi.process())) + "; "
                    + warmUp(bench, "the api-service", single, bodies, bench.services().apiService());
            var noOps = new ArrayList<Load>();
            var singles = new ArrayList<Load>();
            var cpu = new CpuTally();
            for (int round = 1; round <= ROUNDS; round++) {
                String of = ", round " + round + " of " + ROUNDS;
                log.info("Ingestion 3/9: {} (no-op baseline){}", baseline, of);
                noOps.add(measured(bench, result, baseline + " (no-op baseline)" + of, noOp, bodies, noOpCpu, idle,
                        cpu));
                log.info("Ingestion 3/9: POST {}, {} connections, history-service stopped{}", SINGLE,
                        sizes.connections(), of);
                singles.add(measured(bench, result, "POST " + SINGLE + ", " + sizes.connections()
                        + " connections, history-service stopped" + of, single, bodies, apiCpu, idle, cpu));
            }
            return new Interleaved(noOps, singles, cpu.millisPerItem(), warmUps);
        }
    }

    /**
     * Single messages at full load for {@code sizes.warmup()} unmeasured, then for {@code sizes.measure()} measured,
     * with the CPU time {@code cpu}'s processes spent over the measured part (less their idle rates) tallied.
     */
    private static Load measured(BenchContext bench, ScenarioResult result, String name, URI endpoint,
            List<String> bodies, ProcessCpu cpu, Map<String, Double> idle, CpuTally tally) throws Exception {
        Sizes sizes = bench.sizes();
        bench.wrk().closedLoop(name + ", settling", endpoint, bodies, sizes.connections(), Duration.ZERO,
                sizes.warmup(), false);
        ProcessCpu.Sample before = cpu.sample();
        Load load = result.load(bench.wrk().closedLoop(name, endpoint, bodies, sizes.connections(), Duration.ZERO,
                sizes.measure(), false));
        tally.add(ProcessCpu.millisPerItem(before, cpu.sample(), idle, load.items()), load.items());
        return load;
    }

    /**
     * The api-service's and the broker's CPU ms per single message accepted, as the passes held to the aims measure
     * it (a warm-up, then a pass at full load), for a scenario without those passes; the caller stops
     * history-service first.
     */
    static Map<String, Double> acceptCpu(BenchContext bench, ScenarioResult result) throws Exception {
        Sizes sizes = bench.sizes();
        List<String> bodies = messages(BenchContext.users("s", sizes.conversations()),
                BenchContext.users("r", sizes.recipients()), sizes.connections(), bench.text("ingest"));
        URI single = bench.targets().api(SINGLE);
        ProcessCpu cpu = ProcessCpu.ofHistory(bench.targets());
        Map<String, Double> idle = cpu.idleRates(QUIET);
        warmUp(bench, "the api-service", single, bodies, bench.services().apiService());
        var tally = new CpuTally();
        measured(bench, result, "POST " + SINGLE + ", " + sizes.connections() + " connections, history-service "
                + "stopped, for its CPU per accept", single, bodies, cpu, idle, tally);
        return tally.millisPerItem();
    }

    /**
     * Single messages at full load, not measured, in spans of a measurement each, until the JVM that answers them
     * ({@code jvm}) spent no more than {@link #WARM_JIT_SHARE} of its CPU time over a span in its JIT compiler
     * threads (at least two spans, at most {@link #MAX_WARM_UP_SPANS}): then it runs compiled code. A fixed time is
     * not enough on a loaded machine, whose compiler threads get little of the cores; nor is a rate that stops
     * rising, as the machine's other work moves it more than the JIT does. Without the JVM's process (the
     * api-service in the load generator's tests), two spans. Returns each span's rate and JIT share, for the note.
     */
    private static String warmUp(BenchContext bench, String what, URI endpoint, List<String> bodies,
            Optional<ProcessHandle> jvm) throws Exception {
        Sizes sizes = bench.sizes();
        log.info("Ingestion: warming {} up: POST {}, {} connections, {} s at a time until its JIT is done (not "
                + "measured)", what, endpoint.getPath(), sizes.connections(), sizes.measure().toSeconds());
        var spans = new ArrayList<String>();
        for (int span = 1; span <= MAX_WARM_UP_SPANS; span++) {
            Optional<Double> cpuBefore = jvm.flatMap(ProcessCpu::cpuSeconds);
            Optional<Double> jitBefore = jvm.flatMap(ProcessCpu::compilerSeconds);
            double rate = bench.wrk().closedLoop("warm-up of " + what + ", POST " + endpoint.getPath() + ", span "
                    + span, endpoint, bodies, sizes.connections(), Duration.ZERO, sizes.measure(), false)
                    .itemsPerSecond();
            Optional<Double> cpu = jvm.flatMap(ProcessCpu::cpuSeconds).flatMap(after -> cpuBefore.map(before -> after - before));
            Optional<Double> jit = jvm.flatMap(ProcessCpu::compilerSeconds).flatMap(after -> jitBefore.map(before -> after - before));
            Optional<Double> share = cpu.filter(spent -> spent > 0).flatMap(spent -> jit.map(compiling -> compiling / spent));
            spans.add(String.format("%,.0f", rate) + share.map(s -> String.format(" (JIT %.0f%%)", s * 100)).orElse(""));
            if (span >= 2 && share.map(s -> s <= WARM_JIT_SHARE).orElse(true)) {
                break;
            }
        }
        return what + " " + String.join(", ", spans);
    }

    /**
     * Single messages with history-service running, caught up on everything before, reading what they write: the
     * api-service is warm from the passes before. Besides the rate, what each part spent: the history-service's
     * CPU per message it read over the pass, and the broker's beyond what it spends per accept with history
     * stopped.
     */
    private static Alongside alongside(BenchContext bench, ScenarioResult result, List<String> bodies,
            Interleaved alone) throws Exception {
        Sizes sizes = bench.sizes();
        String name = "POST " + SINGLE + ", " + sizes.connections()
                + " connections, with history-service reading alongside";
        log.info("Ingestion 6/9: {}", name);
        URI single = bench.targets().api(SINGLE);
        ProcessCpu cpu = ProcessCpu.ofHistory(bench.targets());
        bench.wrk().closedLoop(name + ", settling", single, bodies, sizes.connections(), Duration.ZERO,
                sizes.warmup(), false);
        long readBefore = bench.kafka().committed(History.APPLICATION_ID, Topics.MESSAGES.name());
        ProcessCpu.Sample before = cpu.sample();
        Load load = result.load(bench.wrk().closedLoop(name, single, bodies, sizes.connections(), Duration.ZERO,
                sizes.measure(), false));
        ProcessCpu.Sample after = cpu.sample();
        long read = bench.kafka().committed(History.APPLICATION_ID, Topics.MESSAGES.name()) - readBefore;
        // ms over the pass, idle spending included: history's timers and commits are part of its reading
        Map<String, Double> spent = ProcessCpu.millisPerItem(before, after, Map.of(), 1);
        return new Alongside(load, read, spent);
    }

    /** CPU milliseconds per item by process, pooled over passes weighted by their items. */
    private static final class CpuTally {
        private final Map<String, Double> millis = new LinkedHashMap<>();
        private final Map<String, Long> items = new LinkedHashMap<>();

        void add(Map<String, Double> perItem, long count) {
            perItem.forEach((part, ms) -> {
                millis.merge(part, ms * count, Double::sum);
                items.merge(part, count, Long::sum);
            });
        }

        Map<String, Double> millisPerItem() {
            var perItem = new LinkedHashMap<String, Double>();
            millis.forEach((part, ms) -> perItem.put(part, ms / Math.max(1, items.get(part))));
            return perItem;
        }
    }

    /**
     * The no-op's and the single messages' rounds, taken in turns; CPU ms per request of the no-op and per accept
     * of the api-service and the broker over their measured passes.
     */
    private record Interleaved(List<Load> noOps, List<Load> singles, Map<String, Double> cpuMillis,
            String warmUps) {

        Load noOp() {
            return pooled(noOps.getFirst().name().replaceAll(", round .*", "") + ", pooled", noOps);
        }

        Load single() {
            return pooled(singles.getFirst().name().replaceAll(", round .*", "") + ", pooled", singles);
        }

        String describe() {
            var rounds = new StringBuilder();
            double low = Double.MAX_VALUE;
            double high = 0;
            for (int i = 0; i < noOps.size(); i++) {
                double ratio = singles.get(i).itemsPerSecond() / Math.max(1e-9, noOps.get(i).itemsPerSecond());
                low = Math.min(low, ratio);
                high = Math.max(high, ratio);
                rounds.append(String.format("%sround %d: no-op %,.0f, single messages %,.0f msg/s (%.2fx)",
                        i == 0 ? "" : "; ", i + 1, noOps.get(i).itemsPerSecond(), singles.get(i).itemsPerSecond(),
                        ratio));
            }
            return String.format("warm-up spans, msg/s (and the JIT's share of the JVM's CPU): %s; then no-op and "
                    + "single messages in turns, history-service stopped: %s; the figure pools "
                    + "the rounds (ratio %.2fx, rounds %.2f-%.2fx); CPU per request over the measured passes (us, "
                    + "/proc process time less the idle rate over %d s before): %s", warmUps, rounds,
                    single().itemsPerSecond() / Math.max(1e-9, noOp().itemsPerSecond()), low, high,
                    QUIET.toSeconds(), micros(cpuMillis));
        }
    }

    /**
     * Single messages with history-service reading alongside; the messages history-service read meanwhile (its
     * committed offset of chat.messages) and the CPU ms each part spent over the pass, its idle spending included.
     */
    private record Alongside(Load single, long read, Map<String, Double> spentMillis) {

        String describe(Interleaved alone) {
            double accepted = Math.max(1, single.items());
            double apiAlone = alone.cpuMillis().getOrDefault("api-service", 0.0);
            double brokerAlone = alone.cpuMillis().getOrDefault("broker", 0.0);
            double history = spentMillis.getOrDefault("history-service", 0.0) / Math.max(1, read);
            // what the broker spent beyond what the accepts cost it with history stopped: history's share
            double brokerForHistory = Math.max(0, spentMillis.getOrDefault("broker", 0.0) - brokerAlone * accepted)
                    / Math.max(1, read);
            double acceptCost = apiAlone + brokerAlone;
            double readCost = history + brokerForHistory;
            double predicted = alone.single().itemsPerSecond() * acceptCost / Math.max(1e-9, acceptCost + readCost)
                    / Math.max(1e-9, alone.noOp().itemsPerSecond());
            // the cores these processes got: on a machine shared with other work, less than its two
            double coresAlone = acceptCost * alone.single().itemsPerSecond() / 1000;
            double coresAlongside = spentMillis.values().stream().mapToDouble(Double::doubleValue).sum()
                    / 1000 / Math.max(1e-9, single.seconds());
            return String.format("single messages with history-service reading alongside: %,d accepted and %,d read "
                    + "by history-service over the %.1f s pass (%,.0f and %,.0f msg/s); CPU per message (us): "
                    + "api-service %.0f and broker %.0f per accept (history stopped), history-service %.0f and the "
                    + "broker's share %.0f per message read; were the cores the bound and history to read all that "
                    + "is accepted, the rate alone times accept / (accept + read) predicts %.2fx of the no-op, "
                    + "measured %.2fx; the api-service and the broker used %.2f cores in the passes alone, the three "
                    + "%.2f alongside", single.items(), read, single.seconds(), single.itemsPerSecond(),
                    read / Math.max(1e-9, single.seconds()), apiAlone * 1000, brokerAlone * 1000, history * 1000,
                    brokerForHistory * 1000, predicted,
                    single.itemsPerSecond() / Math.max(1e-9, alone.noOp().itemsPerSecond()), coresAlone,
                    coresAlongside);
        }
    }

    /** The loads' requests, items, errors and seconds added up; their latencies' mean, their maximum's maximum. */
    static Load pooled(String name, List<Load> loads) {
        long requests = loads.stream().mapToLong(Load::requests).sum();
        long items = loads.stream().mapToLong(Load::items).sum();
        long errors = loads.stream().mapToLong(Load::errors).sum();
        double seconds = loads.stream().mapToDouble(Load::seconds).sum();
        return new Load(name, requests, items, errors, seconds, seconds > 0 ? items / seconds : 0,
                loads.stream().mapToDouble(Load::p50Ms).average().orElse(0),
                loads.stream().mapToDouble(Load::p99Ms).average().orElse(0),
                loads.stream().mapToDouble(Load::p999Ms).average().orElse(0),
                loads.stream().mapToDouble(Load::maxMs).max().orElse(0),
                loads.stream().map(Load::firstError).filter(Objects::nonNull).findFirst().orElse(null));
    }

    static String micros(Map<String, Double> millis) {
        var text = new StringBuilder();
        millis.forEach((part, ms) -> text.append(text.isEmpty() ? "" : ", ").append(part).append(' ')
                .append(String.format("%.0f", ms * 1000)));
        return text.isEmpty() ? "(none)" : text.toString();
    }

    /** The rounds taken in turns with the no-op, the batches and the login flood, all with history stopped. */
    private record Alone(Interleaved rounds, Load batches, Load flooded) {
    }

    /**
     * Single messages again, as in the pass before, while a guesser sends wrong passwords for a few accounts at
     * {@link #FLOOD_RATE} from an address of its own (127.0.0.2 when the api-service is on this machine's loopback,
     * so that the locks it earns are not the bench's other loads').
     */
    private static Load flooded(BenchContext bench, ScenarioResult result, List<String> bodies) throws Exception {
        Sizes sizes = bench.sizes();
        int connections = sizes.connections();
        URI sessions = bench.targets().api("/api/v1/sessions");
        List<String> accounts = BenchContext.users("flood", FLOOD_ACCOUNTS);
        for (String account : accounts) {
            Http.expect(bench.http().postJson(sessions, "{\"username\": \"" + account + "\", \"password\": \""
                    + BenchContext.PASSWORD + "\"}"), 201);
        }
        InetAddress api = InetAddress.getByName(sessions.getHost());
        InetAddress from = api.isLoopbackAddress() && api.getAddress().length == 4
                ? InetAddress.getByName("127.0.0.2") : null;
        log.info("Ingestion 5/9: POST {}, {} connections, history-service stopped, {} wrong passwords/s alongside",
                SINGLE, connections, FLOOD_RATE);
        Load load;
        Map<Integer, Long> answers;
        try (LoginFlood flood = LoginFlood.start(sessions, accounts, from, FLOOD_RATE)) {
            load = result.load(bench.wrk().closedLoop("POST " + SINGLE + ", " + connections + " connections, "
                    + "history-service stopped, a login flood alongside", bench.targets().api(SINGLE), bodies,
                    connections, sizes.warmup(), sizes.measure(), false));
            flood.close();
            answers = flood.answers();
        }
        result.note("login flood alongside single messages: " + FLOOD_RATE + " wrong passwords/s for " + FLOOD_ACCOUNTS
                + " accounts from " + (from == null ? "the bench's address" : from.getHostAddress())
                + ", ignoring Retry-After, for the warm-up and the measurement; answered by status (0: no answer): "
                + answers + " (403: checked and wrong, 429: refused unchecked after too many failures, "
                + "503: refused unchecked while too many passwords were being hashed or hashing's share of the cores "
                + "was spent)");
        return load;
    }

    /** Batches accepted by the api-service in one pass; null when the endpoint is not mapped. */
    private static Load batches(BenchContext bench, ScenarioResult result, List<String> senders,
            List<String> recipients, String text, String pass, int step) throws Exception {
        Sizes sizes = bench.sizes();
        URI batch = bench.targets().api("/api/v1/messages/batch");
        var probe = bench.http().postJson(batch, batch(senders, recipients, 0, text, 1));
        if (probe.statusCode() == 404 || probe.statusCode() == 405) {
            result.note("batch REST skipped: POST /api/v1/messages/batch answered " + probe.statusCode()
                    + " (not in this api-service yet)");
            return null;
        }
        log.info("Ingestion {}/9: POST /api/v1/messages/batch, {} messages a request, {} connections, {}", step,
                sizes.batchSize(), sizes.batchConnections(), pass);
        List<String> batches = IntStream.range(0, sizes.batchConnections())
                .mapToObj(caller -> batch(senders, recipients, caller, text, sizes.batchSize())).toList();
        return result.load(bench.wrk().closedLoop("POST /api/v1/messages/batch of " + sizes.batchSize()
                        + ", " + sizes.batchConnections() + " connections, " + pass, batch, batches,
                sizes.batchConnections(), sizes.warmup(), sizes.measure(), true));
    }

    /** One message for each connection, from its own sender to its own recipient, as 64 clients would send. */
    private static List<String> messages(List<String> senders, List<String> recipients, int connections,
            String text) {
        return IntStream.range(0, connections).mapToObj(caller -> message(senders, recipients, caller, text)).toList();
    }

    private static String message(List<String> senders, List<String> recipients, int caller, String text) {
        return ChatJson.MAPPER.writeValueAsString(item(senders, recipients, caller, text));
    }

    private static Map<String, String> item(List<String> senders, List<String> recipients, int i, String text) {
        return Map.of("fromId", senders.get(i % senders.size()), "toId", recipients.get(i % recipients.size()),
                "message", text);
    }

    private static String batch(List<String> senders, List<String> recipients, int caller, String text, int size) {
        List<Map<String, String>> messages = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            messages.add(item(senders, recipients, caller * size + i, text));
        }
        return ChatJson.MAPPER.writeValueAsString(Map.of("messages", messages));
    }
}
