package io.chatpipe.bench.scenario;

import io.chatpipe.bench.report.Results;
import io.chatpipe.bench.report.ScenarioResult;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs scenarios one after the other, each once history-service has caught up with what came before. */
public final class Bench {

    private static final Logger log = LoggerFactory.getLogger(Bench.class);

    /** Every scenario, in the order they run. */
    public static final List<Scenario> ALL = List.of(new Ingestion(), new Drain(), new EndToEnd(), new History(),
            new WebSocket(), new Capture(), new Webhooks());

    private Bench() {
    }

    public static Map<String, Scenario> byName() {
        return ALL.stream().collect(Collectors.toMap(Scenario::name, Function.identity()));
    }

    public static Results run(BenchContext bench, List<Scenario> scenarios, String command) {
        Instant started = Instant.now();
        String loadBefore = loadAverage();
        List<ScenarioResult> results = new ArrayList<>();
        for (Scenario scenario : scenarios) {
            log.info("== {} ==", scenario.name());
            try {
                History.awaitCaughtUp(bench.kafka(), "history-service catching up before " + scenario.name(),
                        Duration.ofMinutes(10));
                results.add(scenario.run(bench));
            } catch (Exception e) {
                log.error("Scenario {} failed", scenario.name(), e);
                var failed = new ScenarioResult(scenario.name(), scenario.name());
                failed.failed(e.toString());
                results.add(failed);
            }
        }
        var os = ManagementFactory.getOperatingSystemMXBean();
        long memory = os instanceof com.sun.management.OperatingSystemMXBean sun
                ? sun.getTotalMemorySize() / (1024 * 1024) : 0;
        var machine = new Results.Machine(Runtime.getRuntime().availableProcessors(), memory,
                os.getName() + " " + os.getVersion() + " " + os.getArch(), Runtime.version().toString(), loadBefore,
                loadAverage());
        return new Results(started, Duration.between(started, Instant.now()).toMillis() / 1000.0, command,
                bench.sizes().name(), machine, results);
    }

    /** The 1, 5 and 15 minute load averages, where /proc tells them: how busy the shared machine was. */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
