package io.chatpipe.bench.report;

import java.time.Instant;
import java.util.List;

/**
 * A whole bench run: where and how it ran, and each scenario's result. Written as JSON, and shown as a
 * Markdown table and a PNG plot.
 *
 * @param command   how to run it again
 * @param machine   the machine it ran on: processors, memory, system, load average before and after
 */
public record Results(
        Instant started,
        double seconds,
        String command,
        String size,
        Machine machine,
        List<ScenarioResult> scenarios) {

    /** The machine, as far as a JVM can tell. */
    public record Machine(int processors, long memoryMiB, String os, String java, String loadBefore,
            String loadAfter) {
    }
}
