package io.chatpipe.bench.parts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The CPU time the stack's processes spend over a window, from {@code /proc/PID/stat}: user and system time of the
 * process, of its children it has reaped, and of its live descendants (PostgreSQL's backends, ejabberd's helpers).
 * Each process's idle spending (timers, heartbeats, polls), measured over a quiet interval just before, is taken off,
 * so what is left is what the load cost it. Without {@code /proc} (or with none of the processes found) there is
 * nothing to read, and the scenario says so.
 */
public final class ProcessCpu {

    /** Clock ticks a second of {@code /proc/PID/stat}'s times: 100 on every Linux this runs on. */
    private static final double TICKS = 100;

    private final Map<String, ProcessHandle> parts;

    private ProcessCpu(Map<String, ProcessHandle> parts) {
        this.parts = parts;
    }

    /**
     * The parts of the stack started by {@code ./chatpipe bench} that are running now, by their command lines: the
     * worker and capture by their ports, Kafka, ejabberd and PostgreSQL by the stack's data directory.
     */
    public static ProcessCpu of(Targets targets) {
        var parts = new LinkedHashMap<String, ProcessHandle>();
        find(line -> line.contains("--server.port=" + targets.worker().getPort() + " ")
                && line.contains("xmpp-delivery-worker")).ifPresent(process -> parts.put("worker", process));
        String dataDir = targets.dataDir() == null ? null : targets.dataDir().toAbsolutePath() + "/";
        if (dataDir != null) {
            find(line -> line.contains("local-stack") && line.contains("--data-dir=" + dataDir))
                    .ifPresent(process -> parts.put("broker", process));
            find(line -> line.contains("beam.smp ") && line.contains(dataDir))
                    .ifPresent(process -> parts.put("ejabberd", process));
        }
        find(line -> line.contains("--server.port=" + targets.capture().getPort() + " ")
                && line.contains("xmpp-capture")).ifPresent(process -> parts.put("capture", process));
        if (dataDir != null) {
            find(line -> line.contains("/postgres -D ") && line.contains(dataDir))
                    .ifPresent(process -> parts.put("PostgreSQL", process));
        }
        return new ProcessCpu(parts);
    }

    /**
     * What serves and stores history, by their command lines: the history-service and the api-service by their
     * ports, Kafka by the stack's data directory (parts not running now are left out).
     */
    public static ProcessCpu ofHistory(Targets targets) {
        var parts = new LinkedHashMap<String, ProcessHandle>();
        service(targets.history().getPort(), "history-service").ifPresent(process -> parts.put("history-service", process));
        if (targets.dataDir() != null) {
            String dataDir = targets.dataDir().toAbsolutePath() + "/";
            find(line -> line.contains("local-stack") && line.contains("--data-dir=" + dataDir))
                    .ifPresent(process -> parts.put("broker", process));
        }
        service(targets.api().getPort(), "api-service").ifPresent(process -> parts.put("api-service", process));
        return new ProcessCpu(parts);
    }

    /** The given processes, by part: a process the bench started itself, for instance. */
    public static ProcessCpu of(Map<String, ProcessHandle> parts) {
        return new ProcessCpu(new LinkedHashMap<>(parts));
    }

    private static Optional<ProcessHandle> service(int port, String module) {
        return find(line -> line.contains("--server.port=" + port + " ") && line.contains(module));
    }

    /** The processes whose CPU time is read, by part. */
    public Map<String, ProcessHandle> parts() {
        return parts;
    }

    /** Each part's CPU time so far, in seconds, and when it was read. */
    public Sample sample() {
        var seconds = new LinkedHashMap<String, Double>();
        parts.forEach((name, process) -> cpuSeconds(process).ifPresent(cpu -> seconds.put(name, cpu)));
        return new Sample(System.nanoTime(), seconds);
    }

    /** Samples, waits {@code quiet}, samples again: each part's idle spending, in CPU seconds a second. */
    public Map<String, Double> idleRates(Duration quiet) throws InterruptedException {
        Sample before = sample();
        Thread.sleep(quiet);
        Sample after = sample();
        var rates = new LinkedHashMap<String, Double>();
        after.since(before).forEach((name, cpu) -> rates.put(name, cpu / after.secondsSince(before)));
        return rates;
    }

    /**
     * Each part's CPU time between the samples less its idle rate over the same span, in milliseconds per item; a
     * part that restarted or exited between them is left out.
     */
    public static Map<String, Double> millisPerItem(Sample before, Sample after, Map<String, Double> idleRates,
                                                    long items) {
        var perItem = new LinkedHashMap<String, Double>();
        after.since(before).forEach((name, cpu) -> {
            double load = cpu - idleRates.getOrDefault(name, 0.0) * after.secondsSince(before);
            perItem.put(name, items == 0 ? 0 : load * 1000 / items);
        });
        return perItem;
    }

    /** CPU seconds by part, read at {@code nanos}. */
    public record Sample(long nanos, Map<String, Double> seconds) {

        /** What each part spent since {@code before}; parts missing from either sample are left out. */
        Map<String, Double> since(Sample before) {
            var spent = new LinkedHashMap<String, Double>();
            seconds.forEach((name, cpu) -> {
                Double was = before.seconds.get(name);
                if (was != null) {
                    spent.put(name, cpu - was);
                }
            });
            return spent;
        }

        double secondsSince(Sample before) {
            return Math.max(1e-3, (nanos - before.nanos) / 1e9);
        }
    }

    /** The oldest process whose command line (its arguments joined by spaces, one after the last) matches. */
    private static Optional<ProcessHandle> find(Predicate<String> commandLine) {
        return ProcessHandle.allProcesses()
                .filter(process -> commandLine(process.pid()).filter(commandLine).isPresent())
                .min((a, b) -> Long.compare(a.pid(), b.pid()))
                .filter(process -> process.parent().map(parent -> commandLine(parent.pid())
                        .filter(commandLine).isEmpty()).orElse(true));
    }

    private static Optional<String> commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return Optional.of(new String(raw, StandardCharsets.UTF_8).replace('\0', ' '));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();   // gone, or not ours to read
        }
    }

    /** The process's own time, its reaped children's, and its live descendants' own; empty once it is gone. */
    public static Optional<Double> cpuSeconds(ProcessHandle process) {
        Optional<long[]> own = ticks(process.pid());
        if (own.isEmpty()) {
            return Optional.empty();
        }
        long total = own.get()[0] + own.get()[1] + own.get()[2] + own.get()[3];
        try (Stream<ProcessHandle> descendants = process.descendants()) {
            total += descendants.map(child -> ticks(child.pid())).flatMap(Optional::stream)
                    .mapToLong(times -> times[0] + times[1]).sum();
        }
        return Optional.of(total / TICKS);
    }

    /**
     * The CPU time a JVM's JIT compiler threads ({@code C1 CompilerThread}s and {@code C2 CompilerThread}s, by
     * their names in {@code /proc/PID/task/TID/comm}) have spent, in seconds; empty once it is gone. Beside the
     * process's own time it tells whether the JVM is still compiling what it runs: warm, it spends a few percent on it.
     */
    public static Optional<Double> compilerSeconds(ProcessHandle process) {
        Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
        try (Stream<Path> threads = Files.list(tasks)) {
            long total = threads.filter(ProcessCpu::isCompilerThread)
                    .map(thread -> ticks(Path.of(thread.toString(), "stat"))).flatMap(Optional::stream)
                    .mapToLong(times -> times[0] + times[1]).sum();
            return Optional.of(total / TICKS);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean isCompilerThread(Path thread) {
        try {
            String name = Files.readString(thread.resolve("comm"));
            return name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre");
        } catch (IOException e) {
            return false;   // the thread ended
        }
    }

    /** utime, stime, cutime, cstime of {@code /proc/PID/stat}, in clock ticks. */
    static Optional<long[]> ticks(long pid) {
        return ticks(Path.of("/proc", Long.toString(pid), "stat"));
    }

    /** The same of a {@code stat} file: a process's, or one of its threads' ({@code /proc/PID/task/TID/stat}). */
    private static Optional<long[]> ticks(Path statFile) {
        try {
            String stat = Files.readString(statFile);
            // the command name, in parentheses, may hold spaces: the fields are counted after its closing one
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Optional.of(new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12]),
                Long.parseLong(fields[13]), Long.parseLong(fields[14])});
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
