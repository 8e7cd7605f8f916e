package io.chatpipe.bench;

import io.chatpipe.bench.measure.GcPauses;
import io.chatpipe.bench.parts.Targets;
import io.chatpipe.bench.report.ResultFiles;
import io.chatpipe.bench.report.Results;
import io.chatpipe.bench.scenario.Bench;
import io.chatpipe.bench.scenario.BenchContext;
import io.chatpipe.bench.scenario.Scenario;
import io.chatpipe.bench.scenario.Services;
import io.chatpipe.bench.scenario.Sizes;
import io.chatpipe.bench.scenario.SupervisedServices;
import io.chatpipe.supervisor.BenchStack;
import io.chatpipe.supervisor.StackSettings;
import io.chatpipe.supervisor.LocalStack;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ./chatpipe bench}'s load generator, as {@code java -jar load-generator.jar --supervise --api-url=...
 * [--quick] [scenario...]}: with {@code --supervise} it starts the bench's stack itself (the supervisor's
 * {@link BenchStack}, whose services the scenarios start and stop) and stops it at the end; it runs the scenarios
 * (all by default: ingest, drain, e2e, history, websocket, capture, webhooks) and writes the results into
 * {@code --out}. The end-to-end rounds say whose GC pauses fell in each, from the logs the stack's JVMs write
 * (or those in {@code --gc-logs=DIR}, for a stack started otherwise).
 */
public final class LoadGenerator {

    private static final Logger log = LoggerFactory.getLogger(LoadGenerator.class);

    private LoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        Map<String, String> options = new HashMap<>();
        List<String> names = new ArrayList<>();
        for (String arg : args) {
            if (arg.startsWith("--")) {
                int eq = arg.indexOf('=');
                options.put(eq < 0 ? arg.substring(2) : arg.substring(2, eq), eq < 0 ? "true" : arg.substring(eq + 1));
            } else {
                names.add(arg);
            }
        }
        Map<String, Scenario> known = Bench.byName();
        List<Scenario> scenarios = new ArrayList<>();
        for (String name : names) {
            if (!known.containsKey(name)) {
                log.error("No scenario {}; there are {}", name, Bench.ALL.stream().map(Scenario::name).toList());
                System.exit(2);
            }
            scenarios.add(known.get(name));
        }
        if (scenarios.isEmpty()) {
            scenarios.addAll(Bench.ALL);
        }

        var targets = new Targets(
                URI.create(option(options, "api-url", "http://127.0.0.1:8080")),
                URI.create(option(options, "history-url", "http://127.0.0.1:8081")),
                URI.create(option(options, "worker-url", "http://127.0.0.1:8082")),
                URI.create(option(options, "capture-url", "http://127.0.0.1:8083")),
                option(options, "kafka", "127.0.0.1:9092"),
                URI.create(option(options, "ejabberd-api", "http://127.0.0.1:5280/api")),
                option(options, "xmpp-host", "127.0.0.1"),
                Integer.parseInt(option(options, "xmpp-port", "5222")),
                option(options, "xmpp-domain", "localhost"),
                new Targets.Archive(option(options, "archive-host", "127.0.0.1"),
                        Integer.parseInt(option(options, "archive-port", "5433")), "ejabberd", "chatpipe_capture",
                        Path.of(option(options, "archive-password-file", ".data/postgres/secrets/capture-password"))),
                options.containsKey("data-dir") ? Path.of(options.get("data-dir")) : null);
        Sizes sizes = options.containsKey("quick") ? Sizes.quick() : Sizes.standard();
        if (options.containsKey("history-messages")) {
            sizes = sizes.withHistoryMessages(Integer.parseInt(options.get("history-messages")));
        }
        if (options.containsKey("websocket-sessions")) {
            sizes = sizes.withWebSocketSessions(Integer.parseInt(options.get("websocket-sessions")));
        }
        Path out = Path.of(option(options, "out", "bench/results"));
        Path work = Path.of(option(options, "work-dir", out.resolve("work").toString()));

        Results results;
        // --supervise: this JVM starts the bench's stack (the CHATPIPE_* settings, as ./chatpipe bench sets them),
        // controls its services for the scenarios, and stops it at the end; otherwise the stack is someone else's
        try (BenchStack stack = options.containsKey("supervise")
                ? new BenchStack(StackSettings.fromEnvironment(System.getenv(), Path.of("").toAbsolutePath(), List.of())) : null) {
            Services services = Services.none();
            GcPauses gcPauses = options.containsKey("gc-logs") ? GcPauses.in(Path.of(options.get("gc-logs")))
                    : GcPauses.none();
            if (stack != null) {
                try {
                    stack.start();
                } catch (LocalStack.StartFailure failure) {
                    System.exit(1);   // it said why; the stack's shutdown hook stops what runs
                }
                services = new SupervisedServices(stack);
                gcPauses = GcPauses.in(stack.gcLogDir());
            }
            log.info("chatpipe bench: {} size, scenarios {}", sizes.name(), scenarios.stream().map(Scenario::name).toList());
            try (var bench = new BenchContext(targets, sizes, services, work, gcPauses)) {
                results = Bench.run(bench, scenarios, option(options, "command", "./chatpipe bench"));
            }
        }
        List<Path> files = ResultFiles.write(results, out);
        log.info("Results: {}", files);
        boolean failed = results.scenarios().stream().anyMatch(s -> s.getFailure() != null);
        System.exit(failed ? 1 : 0);
    }

    private static String option(Map<String, String> options, String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }
}
