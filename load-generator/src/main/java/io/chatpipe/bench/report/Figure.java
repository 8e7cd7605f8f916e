package io.chatpipe.bench.report;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One figure of chatpipe's, beside the baseline measured in the same run, and their ratio.
 *
 * @param unit           e.g. {@code msg/s} or {@code ms}
 * @param higherIsBetter true for rates, false for latencies
 * @param aim            the aim for the ratio, e.g. {@code ≥ 0.8x}, or empty
 */
public record Figure(
        String scenario,
        String name,
        double value,
        String unit,
        String baseline,
        double baselineValue,
        boolean higherIsBetter,
        String aim) {

    /** chatpipe's figure divided by the baseline's; 0 when the baseline is 0. */
    @JsonProperty("ratio")
    public double ratio() {
        return baselineValue == 0 ? 0 : value / baselineValue;
    }

    public static Figure rate(String scenario, String name, double value, String baseline, double baselineValue,
            String aim) {
        return new Figure(scenario, name, value, "msg/s", baseline, baselineValue, true, aim);
    }

    public static Figure latency(String scenario, String name, double valueMs, String baseline, double baselineMs,
            String aim) {
        return new Figure(scenario, name, valueMs, "ms", baseline, baselineMs, false, aim);
    }
}
