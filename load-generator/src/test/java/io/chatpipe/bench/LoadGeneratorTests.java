package io.chatpipe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.api.ApiServiceApplication;
import io.chatpipe.bench.measure.GcPauses;
import io.chatpipe.bench.measure.Load;
import io.chatpipe.bench.parts.Targets;
import io.chatpipe.bench.report.Figure;
import io.chatpipe.bench.report.ResultFiles;
import io.chatpipe.bench.report.Results;
import io.chatpipe.bench.report.ScenarioResult;
import io.chatpipe.bench.scenario.Bench;
import io.chatpipe.bench.scenario.BenchContext;
import io.chatpipe.bench.scenario.Sizes;
import io.chatpipe.events.ChatJson;
import io.chatpipe.testsupport.Ejabberd;
import io.chatpipe.testsupport.FreePorts;
import io.chatpipe.testsupport.KafkaBroker;
import io.chatpipe.testsupport.Postgres;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Not a benchmark: a smoke run of every scenario at a tiny size, against the real parts in this JVM (a Kafka
 * broker, the project-local ejabberd, the three services), proving that the harness still measures what it
 * says and writes its results. No timing is asserted; the counts and the shape of the files are.
 */
class LoadGeneratorTests {

    @TempDir
    Path dir;

    @Test
    void everyScenarioMeasuresChatpipeBesideItsBaselineAndWritesJsonMarkdownAndPng() throws Exception {
        System.setProperty("java.awt.headless", "true");
        String kafka = KafkaBroker.bootstrapServers();
        Ejabberd ejabberd = Ejabberd.shared();
        int apiPort = FreePorts.pick();
        int historyPort = FreePorts.pick();
        int workerPort = FreePorts.pick();
        int capturePort = FreePorts.pick();
        Postgres archive = ejabberd.archive();
        var targets = new Targets(URI.create("http://127.0.0.1:" + apiPort),
                URI.create("http://127.0.0.1:" + historyPort), URI.create("http://127.0.0.1:" + workerPort),
                URI.create("http://127.0.0.1:" + capturePort), kafka,
                URI.create(ejabberd.apiUrl()), ejabberd.host(), ejabberd.clientPort(), ejabberd.domain(),
                new Targets.Archive(archive.host(), archive.port(), archive.database(), archive.captureUser(),
                        archive.dataDir().resolve("secrets/capture-password")), null);

        // this JVM runs the services and the load generator here: it logs its GC pauses as the bench's JVMs do
        Path gcLogs = Files.createDirectories(dir.resolve("gc"));
        Path gcLog = gcLogs.resolve("load-generator-tests-" + ProcessHandle.current().pid() + ".log");
        logGc(gcLog, "gc");
        Results results;
        try (ConfigurableApplicationContext api = ApiServiceApplication.application().run(
                "--server.port=" + apiPort, "--spring.kafka.bootstrap-servers=" + kafka,
                "--chatpipe.api.webhooks.allow-private-endpoints=true");
             var services = new InJvmServices(kafka, ejabberd.domain(), ejabberd.apiUrl(), historyPort, workerPort,
                     dir.resolve("history"));
             var bench = new BenchContext(targets, Sizes.tiny(), services, dir.resolve("work"), GcPauses.in(gcLogs))) {
            services.startHistory(false);
            // capture in a JVM of its own, as ./chatpipe bench runs it: the worker confirms by what it reports
            services.startCapture(capturePort, archive, dir.resolve("capture.log"));
            results = Bench.run(bench, Bench.ALL, "./chatpipe bench (smoke test)");
        } finally {
            logGc(gcLog, "all=off");
        }

        Map<String, ScenarioResult> byName = results.scenarios().stream()
                .collect(Collectors.toMap(ScenarioResult::getScenario, s -> s));
        assertThat(byName).containsOnlyKeys("ingest", "drain", "e2e", "history", "websocket", "capture", "webhooks");
        assertThat(results.scenarios()).allSatisfy(s -> assertThat(s.getFailure()).as(s.getScenario()).isNull());
        for (String scenario : List.of("ingest", "drain", "e2e", "history", "websocket", "capture", "webhooks")) {
            ScenarioResult result = byName.get(scenario);
            // a process's CPU time per message, its idle spending taken off, may come out at or below 0 at this size
            assertThat(result.getFigures()).as(scenario).isNotEmpty().filteredOn(figure -> !isCpuTime(figure))
                    .allSatisfy(figure -> {
                        assertThat(figure.value()).as(figure.name()).isPositive();
                        assertThat(figure.baselineValue()).as(figure.baseline()).isPositive();
                        assertThat(figure.ratio()).as(figure.name()).isPositive();
                    });
            assertThat(result.getLoads()).as(scenario).allSatisfy(load -> assertThat(load.items())
                    .as(load.name()).isPositive());
        }
        assertThat(byName.get("ingest").getFigures()).extracting(Figure::name)
                .contains("single-message REST, accepted/s", "single-message REST vs one ejabberd call per message, accepted/s");
        // wrk's loads: every answer a success, and a batch's messages counted from its answers
        assertThat(byName.get("ingest").getLoads()).filteredOn(load -> load.name().startsWith("POST /api/v1/messages"))
                .hasSize(8).allSatisfy(load -> assertThat(load.errors()).as(load.name()).isZero());
        // the no-op and single messages measured in turns, after each JVM's warm-up, then pooled
        assertThat(byName.get("ingest").getLoads()).extracting(Load::name).containsSubsequence(
                "POST /api/v1/messages/no-op (no-op baseline), round 1 of 2",
                "POST /api/v1/messages, 4 connections, history-service stopped, round 1 of 2",
                "POST /api/v1/messages/no-op (no-op baseline), round 2 of 2",
                "POST /api/v1/messages, 4 connections, history-service stopped, round 2 of 2");
        assertThat(byName.get("ingest").getNotes()).anySatisfy(note -> assertThat(note)
                .startsWith("warm-up spans, msg/s (and the JIT's share of the JVM's CPU): the no-op ").contains("; the api-service ")
                .containsPattern("round 1: no-op [0-9,]+, single messages [0-9,]+ msg/s"));
        // single messages with a login flood alongside, beside the same pass without it; the flood's answers told
        assertThat(byName.get("ingest").getFigures()).extracting(Figure::name)
                .contains("single-message REST, a login flood alongside, accepted/s");
        assertThat(byName.get("ingest").getNotes()).anySatisfy(note -> assertThat(note)
                .startsWith("login flood alongside single messages: 100 wrong passwords/s for 8 accounts from 127.0.0.2")
                .containsPattern("answered by status \\(0: no answer\\): \\{(403|429)=\\d+"));
        assertThat(byName.get("ingest").getLoads()).filteredOn(load -> load.name().startsWith("POST /api/v1/messages/batch"))
                .hasSize(2).allSatisfy(load -> assertThat(load.items()).as(load.name())
                        .isEqualTo(load.requests() * Sizes.tiny().batchSize()));
        assertThat(byName.get("drain").getLoads()).allSatisfy(load -> assertThat(load.items()).isEqualTo(60));
        // the flood, then the worker's warm-up backlog as it starts, a backlog with history-service reading it
        // alongside, and the backlog held to the aim, with history-service stopped as the flood has it
        // then the other confirmation: the worker restarted to confirm by sessions, a warm-up backlog and the measured one
        assertThat(byName.get("drain").getLoads()).extracting(Load::name).satisfiesExactly(
                flood -> assertThat(flood).startsWith("ejabberd send_stanza flood"),
                warmUp -> assertThat(warmUp).isEqualTo("worker drain of a 60-message warm-up backlog, starting cold"),
                alongside -> assertThat(alongside).isEqualTo(
                        "worker drain of a 60-message backlog, warm, history-service reading alongside"),
                drain -> assertThat(drain).isEqualTo("worker drain of a 60-message backlog, warm, history-service stopped"),
                sessionsWarmUp -> assertThat(sessionsWarmUp).isEqualTo(
                        "worker confirming by sessions, drain of a 60-message warm-up backlog, starting cold"),
                sessions -> assertThat(sessions).isEqualTo(
                        "worker confirming by sessions, drain of a 60-message backlog, warm, history-service stopped"));
        // the aim is held to what the clients received, the yardstick the drain and the flood share
        assertThat(byName.get("drain").getFigures()).filteredOn(figure -> !figure.aim().isEmpty())
                .extracting(Figure::name).containsExactly("worker drain, received by the clients/s");
        assertThat(byName.get("drain").getFigures()).extracting(Figure::name)
                .contains("worker drain, history-service reading alongside, received by the clients/s");
        // every backlog reached the clients, and history-service caught up on the one it missed. The first backlog
        // may arrive more than once: a worker confirming by the archive sends a message again when its row's evidence
        // is late, as it can be while capture and the worker start (180 arrivals of 60 in one smoke run)
        assertThat(byName.get("drain").getNotes()).anySatisfy(note -> assertThat(note).containsPattern(
                "received 60 of 60 flooded messages, and of the three backlogs of 60: ([6-9][0-9]|[1-9][0-9]{2,}), 60 "
                        + "and 60; confirming by sessions, of its two: 60 and 60;"));
        // the CPU time per delivered message of each process found, against its own confirming by sessions: here
        // capture's, the one part in a JVM of its own
        assertThat(byName.get("drain").getFigures()).filteredOn(LoadGeneratorTests::isCpuTime)
                .extracting(Figure::name).containsExactly("CPU per delivered message, capture, confirming by archive");
        assertThat(byName.get("drain").getNotes()).anySatisfy(note -> assertThat(note)
                .matches("CPU per delivered message \\(ms, .*\\): confirming by archive capture -?[0-9.]+; "
                        + "by sessions capture -?[0-9.]+; idle, % of a core: capture [0-9.]+ and capture [0-9.]+"));
        assertThat(byName.get("drain").getFigures()).extracting(Figure::name).contains(
                "worker confirming by sessions, drain received by the clients/s",
                "worker drain confirming by archive, delivered/s");
        // capture: a warm-up round, then the measured one: every reply the XMPP users sent archived by ejabberd, and
        // captured once, beside capture's lag timer
        assertThat(byName.get("capture").getLoads()).extracting(Load::name).satisfiesExactly(
                warmUp -> assertThat(warmUp).isEqualTo("XMPP users' replies to chatpipe users, warming capture up, "
                        + "sent by 2 Smack clients"),
                flood -> assertThat(flood).isEqualTo("XMPP users' replies to chatpipe users, sent by 2 Smack clients"),
                archived -> assertThat(archived).startsWith("ejabberd's archiving of the replies"),
                captured -> assertThat(captured).startsWith("capture's writing of the replies"));
        assertThat(byName.get("capture").getLoads())
                .allSatisfy(load -> assertThat(load.items()).as(load.name()).isEqualTo(60));
        assertThat(byName.get("capture").getFigures()).singleElement().satisfies(figure -> {
            assertThat(figure.name()).isEqualTo("captured replies/s (capture's records on chat.messages)");
            assertThat(figure.baseline()).isEqualTo("archived by ejabberd/s (its archive rows' times)");
        });
        assertThat(byName.get("capture").getNotes()).anySatisfy(note -> assertThat(note).matches(
                "60 replies sent \\([0-9]+/s by the clients\\), 60 archived in the chatpipe users' archives, 60 captured "
                        + "to chat.messages, 0 of them twice; in the warm-up round before it: 60 sent, 60 archived, "
                        + "60 captured"));
        assertThat(byName.get("capture").getNotes()).anySatisfy(note -> assertThat(note)
                .matches("capture's lag p99 \\(.*\\): ≤ [0-9.]+ ms; capture wrote its last reply -?[0-9]+ ms after "
                        + "ejabberd archived its last"));
        // webhooks: every message of each round POSTed to the bench's receiver by the dispatcher, the same bodies by
        // the bench itself; the throughput and the latency each beside the direct ones
        assertThat(byName.get("webhooks").getLoads()).extracting(Load::name).satisfiesExactly(
                warmUp -> assertThat(warmUp).startsWith("POST /api/v1/messages, wh-warm (60 messages"),
                flood -> assertThat(flood).startsWith("POST /api/v1/messages, wh-flood (60 messages"),
                posted -> assertThat(posted).isEqualTo(
                        "webhook-dispatcher's POSTs of a backlog of 60 events, first to last arrival"),
                paced -> assertThat(paced).matches("webhook-dispatcher's POSTs at [0-9]+/s, event createdAt to arrival"),
                direct -> assertThat(direct).isEqualTo(
                        "the bench's own POSTs of the 60 bodies, one at a time, send to arrival"),
                directPaced -> assertThat(directPaced).matches("the bench's own POSTs at [0-9]+/s, due to arrival"));
        List<Load> webhooks = byName.get("webhooks").getLoads();
        assertThat(List.of(webhooks.get(0), webhooks.get(1), webhooks.get(2), webhooks.get(4)))
                .allSatisfy(load -> assertThat(load.items()).as(load.name()).isEqualTo(60));
        assertThat(webhooks.get(5).items()).as("direct, paced").isEqualTo(webhooks.get(3).items()).isPositive();
        assertThat(byName.get("webhooks").getFigures()).extracting(Figure::name).satisfiesExactly(
                rate -> assertThat(rate).isEqualTo("webhook events POSTed/s to one endpoint, a backlog of 60"),
                p99 -> assertThat(p99).matches("webhook p99, event createdAt to POST arrival, at [0-9]+/s"));
        assertThat(byName.get("webhooks").getNotes()).anySatisfy(note -> assertThat(note)
                .matches("backlog of 60: submitted at [0-9]+ msg/s over REST with the endpoint paused; once resumed, "
                        + "the receiver got 60 events in [0-9]+ requests \\(repeats: [0-9]+\\) in [0-9.]+ s"));
        assertThat(byName.get("drain").getNotes()).anySatisfy(note -> assertThat(note)
                .startsWith("history-service was stopped for the last backlog, then caught up on what it missed"));
        assertThat(byName.get("e2e").getLoads()).allSatisfy(load -> assertThat(load.errors()).as(load.name()).isZero());
        // the latencies at half the end-to-end maximum, measured first, and at half the drain rate, measured before
        assertThat(byName.get("e2e").getLoads()).extracting(Load::name).first().asString()
                .startsWith("end-to-end maximum: REST to XMPP client");
        assertThat(byName.get("e2e").getFigures()).extracting(Figure::name).contains("REST to XMPP client, p99",
                "REST to XMPP client at a quarter of the maximum, p99",
                "REST to XMPP client at half the drain rate, p99");
        // the aim's figure pools three rounds each way, taken in turns, after two settling rounds it leaves out;
        // the figure at a quarter of the maximum pools three more, without settling rounds
        String quarter = " at a quarter of the maximum";
        for (String way : List.of("REST to XMPP client via chatpipe", "XMPP client to client")) {
            for (boolean atQuarter : List.of(false, true)) {
                List<Load> rounds = byName.get("e2e").getLoads().stream()
                        .filter(load -> load.name().startsWith(way) && load.name().contains(" of 3")
                                && load.name().contains(quarter) == atQuarter).toList();
                assertThat(rounds).as(way + atQuarter).hasSize(3);
                assertThat(byName.get("e2e").getLoads()).filteredOn(load -> load.name().startsWith(way)
                                && load.name().endsWith(", 3 rounds") && load.name().contains(quarter) == atQuarter)
                        .singleElement()
                        .satisfies(pooled -> assertThat(pooled.requests())
                                .isEqualTo(rounds.stream().mapToLong(Load::requests).sum()).isPositive());
            }
            assertThat(byName.get("e2e").getLoads()).extracting(Load::name).filteredOn(name -> name.startsWith(way))
                    .filteredOn(name -> name.contains(", settling round ")).as(way)
                    .hasSize(2).allSatisfy(name -> assertThat(name).matches(".*, settling round [12] of 2"));
        }
        assertThat(byName.get("e2e").getNotes()).anySatisfy(note -> assertThat(note)
                .matches("REST to XMPP client: 3 rounds of .* the p99 ratio round by round: [0-9.]+x, [0-9.]+x, [0-9.]+x"));
        assertThat(byName.get("e2e").getNotes()).anySatisfy(note -> assertThat(note).matches("REST to XMPP client"
                + quarter + ": 3 rounds of .* the p99 ratio round by round: [0-9.]+x, [0-9.]+x, [0-9.]+x"));
        // how long each round's messages took to reach the worker's call to ejabberd, by the worker's own timer
        String lag = "≤ [0-9.]+ ms; ";
        assertThat(byName.get("e2e").getNotes()).anySatisfy(note -> assertThat(note + "; ").matches("the worker's own "
                + "lag, from acceptance to its call to ejabberd, p99 round by round \\(the upper bound of its timer's "
                + "bucket\\): settling 1: " + lag + "settling 2: " + lag + "1: " + lag + "2: " + lag + "3: " + lag));
        assertThat(byName.get("e2e").getNotes()).anySatisfy(note -> assertThat(note + "; ").matches("the worker's own "
                + "lag" + quarter + ", .*: 1: " + lag + "2: " + lag + "3: " + lag));
        // whose GC pauses fell in each round: here this JVM's, or none
        String pauses = "(none|load-generator-tests \\d+ \\(\\d+ ms\\))";
        String round = " / " + pauses + "; ";
        assertThat(byName.get("e2e").getNotes()).anySatisfy(note -> assertThat(note + "; ").matches("GC pauses round by "
                + "round, via chatpipe / client to client \\(from the GC logs of the stack's JVMs: process, pauses, their "
                + "sum\\): settling 1: " + pauses + round + "settling 2: " + pauses + round + "1: " + pauses + round
                + "2: " + pauses + round + "3: " + pauses + round));
        assertThat(byName.get("e2e").getNotes()).anySatisfy(note -> assertThat(note + "; ").matches("GC pauses" + quarter
                + " round by round, .*: 1: " + pauses + round + "2: " + pauses + round + "3: " + pauses + round));
        assertThat(byName.get("e2e").getNotes()).anySatisfy(note -> assertThat(note)
                .matches("before them, 2 settling rounds each way at the same rate, not in the figures; their p99 "
                        + "ratios: [0-9.]+x, [0-9.]+x"));
        assertThat(byName.get("websocket").getNotes()).anySatisfy(note -> assertThat(note)
                .startsWith("4 of 4 sessions opened (0 failed), 2 users with 2 each; heap after a full GC"));
        // 10 messages, each pushed to both sessions of its recipient
        assertThat(byName.get("websocket").getLoads()).filteredOn(load -> load.name().startsWith("REST to WebSocket"))
                .singleElement().satisfies(push -> {
                    assertThat(push.items()).isEqualTo(20);
                    assertThat(push.errors()).isZero();
                });

        List<Path> files = ResultFiles.write(results, dir.resolve("results"));
        JsonNode json = ChatJson.MAPPER.readTree(files.get(0).toFile());
        assertThat(json.get("scenarios")).hasSize(7);
        assertThat(json.get("scenarios").get(0).get("figures").get(0).get("ratio").asDouble()).isPositive();
        assertThat(Files.readString(files.get(1))).contains("| ingest | single-message REST, accepted/s |",
                "| drain | worker drain, delivered/s |", "| e2e | REST to XMPP client, p99 |",
                "| history | rebuild, messages/s |", "| websocket | live fan-out p99 (REST to session) |",
                "| capture | captured replies/s (capture's records on chat.messages) |",
                "| webhooks | webhook events POSTed/s to one endpoint, a backlog of 60 |");
        var png = ImageIO.read(files.get(2).toFile());
        assertThat(png.getWidth()).isPositive();
        assertThat(dir.resolve("results/latest.md")).exists();
    }

    private static boolean isCpuTime(Figure figure) {
        return figure.name().startsWith("CPU per delivered message");
    }

    /** Has this JVM log its GC pauses into {@code file} as {@code ./chatpipe bench}'s JVMs do, or ({@code all=off}) stop. */
    private static void logGc(Path file, String what) throws Exception {
        ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                "vmLog", new Object[] {new String[] {"output=file=" + file, "what=" + what, "decorators=timemillis"}},
                new String[] {String[].class.getName()});
    }
}
