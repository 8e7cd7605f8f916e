package io.chatpipe.bench.report;

import io.chatpipe.bench.measure.Load;
import java.util.Locale;

/** The results as Markdown: the figures beside their baselines first, then every raw load behind them. */
public final class MarkdownTable {

    private MarkdownTable() {
    }

    public static String of(Results results) {
        var md = new StringBuilder();
        var m = results.machine();
        md.append(String.format(Locale.ROOT, "Run %s, %s size, %.0f s, on %d processors, %,d MiB, %s, Java %s "
                        + "(load average before: %s, after: %s).%n%n",
                results.started(), results.size(), results.seconds(), m.processors(), m.memoryMiB(), m.os(),
                m.java(), m.loadBefore(), m.loadAfter()));
        md.append("Command: `").append(results.command()).append("`\n\n");
        md.append("| scenario | figure | chatpipe | baseline, same run | baseline | ratio | aim |\n");
        md.append("| --- | --- | ---: | --- | ---: | ---: | --- |\n");
        for (ScenarioResult scenario : results.scenarios()) {
            for (Figure f : scenario.getFigures()) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %.2fx | %s |%n", scenario.getScenario(),
                        f.name(), number(f.value(), f.unit()), f.baseline(), number(f.baselineValue(), f.unit()),
                        f.ratio(), f.aim()));
            }
        }
        md.append('\n');
        for (ScenarioResult scenario : results.scenarios()) {
            if (scenario.getFailure() != null) {
                md.append("- ").append(scenario.getScenario()).append(": FAILED: ").append(scenario.getFailure())
                        .append('\n');
            }
            for (String note : scenario.getNotes()) {
                md.append("- ").append(scenario.getScenario()).append(": ").append(note).append('\n');
            }
        }
        md.append("\n| load | requests | items | errors | seconds | items/s | p50 ms | p99 ms | p99.9 ms | max ms |\n");
        md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (ScenarioResult scenario : results.scenarios()) {
            for (Load l : scenario.getLoads()) {
                md.append(String.format(Locale.ROOT, "| %s: %s | %,d | %,d | %,d | %.1f | %,.0f | %.2f | %.2f | %.2f | %.1f |%n",
                        scenario.getScenario(), l.name(), l.requests(), l.items(), l.errors(), l.seconds(),
                        l.itemsPerSecond(), l.p50Ms(), l.p99Ms(), l.p999Ms(), l.maxMs()));
            }
        }
        return md.toString();
    }

    static String number(double value, String unit) {
        String digits = value >= 100 ? String.format(Locale.ROOT, "%,.0f", value)
                : String.format(Locale.ROOT, "%.2f", value);
        return digits + " " + unit;
    }
}
