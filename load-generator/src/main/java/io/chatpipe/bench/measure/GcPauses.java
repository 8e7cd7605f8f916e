package io.chatpipe.bench.measure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The stop-the-world pauses that the stack's JVMs wrote to their GC logs, so that a latency figure can say which
 * process held the machine while it was measured. {@code ./chatpipe bench} starts each JVM with
 * {@code -Xlog:gc:file=DIR/NAME-%p.log:timemillis}; a pause is a line such as
 * {@code [1763907340123ms] GC(13) Pause Young (Normal) (G1 Evacuation Pause) 331M->34M(512M) 16.705ms}, written
 * when the pause ends. On two shared cores a collector's threads take both, so a pause in any process holds them all.
 */
public final class GcPauses {

    private static final Pattern PAUSE = Pattern.compile("^\\[(\\d+)ms\\] GC\\(\\d+\\) Pause .* (\\d+(?:\\.\\d+)?)ms$");
    /** {@code kafka-broker-12345.log}, and its rotated files {@code .log.0}, {@code .log.1}, ... */
    private static final Pattern FILE = Pattern.compile("^(.+)-\\d+\\.log(?:\\.\\d+)?$");

    private final Path dir;

    private GcPauses(Path dir) {
        this.dir = dir;
    }

    /** The GC logs in {@code dir}. */
    public static GcPauses in(Path dir) {
        return new GcPauses(dir);
    }

    /** For JVMs that write no GC log (a bench run outside ./chatpipe). */
    public static GcPauses none() {
        return new GcPauses(null);
    }

    /** Whether there are logs to read. */
    public boolean logged() {
        return dir != null && Files.isDirectory(dir);
    }

    /** The pauses that ended at or after {@code fromMillis} and before {@code toMillis}, by process, in name order. */
    public Map<String, Sum> between(long fromMillis, long toMillis) {
        var sums = new TreeMap<String, Sum>();
        if (!logged()) {
            return sums;
        }
        for (Path file : files()) {
            Matcher name = FILE.matcher(file.getFileName().toString());
            if (!name.matches()) {
                continue;
            }
            try (Stream<String> lines = Files.lines(file)) {
                lines.map(PAUSE::matcher).filter(Matcher::matches).forEach(pause -> {
                    long at = Long.parseLong(pause.group(1));
                    if (at >= fromMillis && at < toMillis) {
                        sums.merge(name.group(1), new Sum(1, Double.parseDouble(pause.group(2))), Sum::plus);
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sums;
    }

    /** {@code kafka-broker 6 (142 ms), history-service 1 (55 ms)}, or {@code none}. */
    public static String describe(Map<String, Sum> byProcess) {
        if (byProcess.isEmpty()) {
            return "none";
        }
        var parts = new ArrayList<String>();
        byProcess.forEach((process, sum) -> parts.add(String.format("%s %d (%.0f ms)", process, sum.count(),
                sum.millis())));
        return String.join(", ", parts);
    }

    private List<Path> files() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** So many pauses, so long in all. */
    public record Sum(int count, double millis) {

        Sum plus(Sum other) {
            return new Sum(count + other.count, millis + other.millis);
        }
    }
}
