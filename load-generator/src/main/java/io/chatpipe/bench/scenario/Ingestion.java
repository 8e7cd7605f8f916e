package io.chatpipe.bench.scenario;

import io.chatpipe.bench.scenario.Sizes;
import io.chatpipe.bench.baseline.NoOpApi;
import io.chatpipe.bench.measure.ClosedLoop;
import io.chatpipe.bench.measure.Load;
import io.chatpipe.bench.parts.Http;
import io.chatpipe.bench.parts.Kafka;
import io.chatpipe.bench.parts.LoginFlood;
import io.chatpipe.bench.report.Figure;
import io.chatpipe.bench.report.ScenarioResult;
import io.chatpipe.events.ChatJson;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.UserId;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenario 1: messages/s the api-service accepts (202: in Kafka, acks=all, idempotent) over REST, one message
 * per request on keep-alive connections and in batches, beside a no-op of the same endpoint ({@link NoOpApi}: the
 * api-service's web layer and checks without Kafka, in a JVM of its own), Kafka's ProducerPerformance with the same
 * record size and producer settings, and seed 000's direct path (one synchronous ejabberd send_message per message). Single messages are measured once more with a login flood
 * alongside (wrong passwords at a fixed rate, more than the cores could hash), beside the same load without it.
 */
public final class Ingestion implements Scenario {

    private static final Logger log = LoggerFactory.getLogger(Ingestion.class);

    static final String PERF_TOPIC = "bench.producer-performance";
    /** The baseline's message endpoint, which writes nothing. */
    static final String NO_OP = NoOpApi.PATH;

    /** The single-message endpoint. */
    static final String SINGLE = "/api/v1/messages";

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
        Accepting alongside = accepting(bench, result, "with history-service reading alongside", senders, recipients,
                text, 1);
        // ProducerPerformance has Kafka to itself; so, for the no-op and the figures held to the aims, has the
        // api-service: the history-service would read (and catch up on) what it accepts on the same two cores
        log.info("Ingestion: stopping history-service, so that the api-service and Kafka have the machine to themselves");
        var secondPass = History.whileStopped(bench, "ingestion", () -> {
            List<String> bodies = messages(senders, recipients, connections, text);
            Load noOp = noOp(bench, result, baseline, bodies);
            // the first pass is too short, and too slow with history-service alongside, to finish the api-service's
            // JIT compilation: a pass measured while C2 still compiles runs at about half the rate it reaches warm.
            // So single messages run at full load first, unmeasured, as the no-op's do in its own JVM.
            warmUp(bench, "the api-service", bench.targets().api(SINGLE), bodies);
            Accepting alone = accepting(bench, result, "history-service stopped", senders, recipients, text, 4);
            return new SecondPass(noOp, alone, flooded(bench, result, bodies));
        });
        result.note(String.format("history-service was stopped for the warm-up, the no-op and the second pass, then "
                + "caught up on what it missed in %.0f s, before the next measurement", secondPass.catchUpSeconds()));
        Load noop = secondPass.result().noop();
        Accepting alone = secondPass.result().alone();
        Load rest = alone.single();
        Load batches = alone.batches();
        Load flooded = secondPass.result().flooded();

        int recordSize = Kafka.recordSize(MessageAccepted.of(MessageId.random(), UserId.of(senders.getFirst()),
                UserId.of(recipients.getFirst()), text, Instant.now(), null));
        log.info("Ingestion 7/8: Kafka ProducerPerformance, {} records of {} bytes, acks=all, idempotent",
                sizes.producerRecords(), recordSize);
        bench.kafka().ensureTopic(PERF_TOPIC, 4);
        Load producer = result.load(bench.kafkaTools().producerPerformance(PERF_TOPIC, sizes.producerRecords(),
                recordSize));

        log.info("Ingestion 8/8: ejabberd send_message, one synchronous call per message, {} callers (seed 000)",
                connections);
        List<String> offlineSenders = BenchContext.users("is", connections);
        List<String> offlineRecipients = BenchContext.users("ir", connections);
        List<String> accounts = new ArrayList<>(offlineSenders);
        accounts.addAll(offlineRecipients);
        bench.register(accounts);
        Load direct = result.load(ClosedLoop.forDuration("ejabberd send_message per message (seed 000), "
                + connections + " callers", connections, sizes.warmup(), sizes.measure(), caller -> {
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
                alongside.single().itemsPerSecond(), baseline + " (no-op)", noop.itemsPerSecond(), ""));
        if (alongside.batches() != null) {
            result.figure(Figure.rate(scenario, "batch REST, history-service reading alongside, accepted/s",
                    alongside.batches().itemsPerSecond(), "Kafka ProducerPerformance", producer.itemsPerSecond(), ""));
        }
        result.figure(Figure.rate(scenario, "single-message REST vs seed 000, accepted/s", rest.itemsPerSecond(),
                "ejabberd send_message per message", direct.itemsPerSecond(), "≥ 50x"));
        if (batches != null) {
            result.figure(Figure.rate(scenario, "batch REST vs seed 000, accepted/s", batches.itemsPerSecond(),
                    "ejabberd send_message per message", direct.itemsPerSecond(), "≥ 50x"));
        }
        result.note("no-op baseline: POST " + NO_OP + " of the load generator's NoOpApiApplication, the api-service's "
                + "web layer without Kafka, in a JVM of its own with the api-service's heap settings: the same "
                + "api-service.yml (Tomcat), message, API key check, rate limit, body checks, JSON reading, rules and "
                + "ids as POST /api/v1/messages, answered 202 without writing to Kafka");
        result.note("seed 000's path is measured as ejabberd's send_message called directly, to offline "
                + "recipients (offline storage), without seed 000's own HTTP server in front: an upper bound for "
                + "seed 000, so the ratio is a lower bound for chatpipe");
        result.note("the REST loads (single messages, the no-op, batches) are sent by wrk, a client in C, so that the "
                + "load generator takes little of the two cores the api-service and Kafka run on: through the JDK's "
                + "HttpClient the single-message load stopped at what the client could send");
        result.note("ProducerPerformance sends as fast as its buffer takes records (--throughput -1), so its "
                + "latencies are mostly time queued in its own buffer: its rate is the baseline, not its latency");
        result.note("each chatpipe figure is measured twice: first with history-service running (as in ./chatpipe run) "
                + "and reading what is accepted on the same two cores, then with it stopped, as ProducerPerformance "
                + "has Kafka to itself; the no-op is measured between them (history stopped, the api-service idle), "
                + "each JVM warmed up at full load before it is measured; the aims are held to the second pass; the "
                + "worker does not run during ingestion");
        return result;
    }

    /**
     * The no-op baseline: {@link NoOpApi} started in a JVM of its own with the api-service's heap settings, warmed up
     * as the api-service is, measured with the single-message bodies, and stopped. The api-service is idle meanwhile.
     */
    private static Load noOp(BenchContext bench, ScenarioResult result, String baseline, List<String> bodies)
            throws Exception {
        Sizes sizes = bench.sizes();
        int connections = sizes.connections();
        List<String> heap = bench.services().apiService()
                .flatMap(process -> process.info().arguments())
                .map(args -> Arrays.stream(args)
                        .filter(arg -> arg.startsWith("-Xms") || arg.startsWith("-Xmx")).toList())
                .filter(options -> !options.isEmpty())
                .orElse(List.of("-Xmx512m"));
        log.info("Ingestion 3/8: starting the no-op baseline in a JVM of its own ({})", heap);
        try (NoOpApi noOpApi = NoOpApi.start(heap, bench.workDir().resolve("no-op-api.log"))) {
            URI endpoint = noOpApi.uri(NO_OP);
            warmUp(bench, "the no-op baseline", endpoint, bodies);
            log.info("Ingestion 3/8: {}, {} connections (no-op baseline)", baseline, connections);
            return result.load(bench.wrk().closedLoop(baseline + " (no-op baseline)", endpoint, bodies, connections,
                    sizes.warmup().plus(sizes.measure()), sizes.measure(), false));
        }
    }

    /** Single messages at full load for twice a measurement, not measured: the JIT compiles what they run. */
    private static void warmUp(BenchContext bench, String what, URI endpoint, List<String> bodies) throws Exception {
        Sizes sizes = bench.sizes();
        log.info("Ingestion: warming {} up: {} s of POST {}, {} connections (not measured)", what,
                2 * sizes.measure().toSeconds(), endpoint.getPath(), sizes.connections());
        bench.wrk().closedLoop("warm-up, POST " + endpoint.getPath(), endpoint, bodies, sizes.connections(),
                Duration.ZERO, sizes.measure().multipliedBy(2), false);
    }

    /** The no-op baseline, the pass held to the aims and single messages with a login flood alongside. */
    private record SecondPass(Load noop, Accepting alone, Load flooded) {
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
        log.info("Ingestion 6/8: POST {}, {} connections, history-service stopped, {} wrong passwords/s alongside",
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

    /** Single messages and batches, accepted by the api-service, in one pass; batches null when not mapped. */
    private record Accepting(Load single, Load batches) {
    }

    private static Accepting accepting(BenchContext bench, ScenarioResult result, String pass, List<String> senders,
                                       List<String> recipients, String text, int step) throws Exception {
        Sizes sizes = bench.sizes();
        Http http = bench.http();
        int connections = sizes.connections();
        URI single = bench.targets().api(SINGLE);
        URI batch = bench.targets().api("/api/v1/messages/batch");
        log.info("Ingestion {}/7: POST /api/v1/messages, one message a request, {} connections, {}", step,
                connections, pass);
        Load rest = result.load(bench.wrk().closedLoop("POST /api/v1/messages, " + connections + " connections, "
                + pass, single, messages(senders, recipients, connections, text), connections, sizes.warmup(),
                sizes.measure(), false));
        var probe = http.postJson(batch, batch(senders, recipients, 0, text, 1));
        if (probe.statusCode() == 404 || probe.statusCode() == 405) {
            result.note("batch REST skipped: POST /api/v1/messages/batch answered " + probe.statusCode()
                    + " (not in this api-service yet)");
            return new Accepting(rest, null);
        }
        log.info("Ingestion {}/7: POST /api/v1/messages/batch, {} messages a request, {} connections, {}", step + 1,
                sizes.batchSize(), sizes.batchConnections(), pass);
        List<String> batches = IntStream.range(0, sizes.batchConnections())
                .mapToObj(caller -> batch(senders, recipients, caller, text, sizes.batchSize())).toList();
        Load batchLoad = result.load(bench.wrk().closedLoop("POST /api/v1/messages/batch of " + sizes.batchSize()
                        + ", " + sizes.batchConnections() + " connections, " + pass, batch, batches,
                sizes.batchConnections(), sizes.warmup(), sizes.measure(), true));
        return new Accepting(rest, batchLoad);
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
