package io.chatpipe.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lines as JDK 25's G1 writes them with {@code -Xlog:gc:file=DIR/NAME-%p.log:timemillis}. */
class GcPausesTests {

    @TempDir
    Path dir;

    @Test
    void sumsEachProcessPausesThatEndedInTheWindow() throws Exception {
        Files.write(dir.resolve("kafka-broker-30512.log"), List.of(
                "[1795443576835ms] Using G1",
                "[1795443578245ms] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 15M->3M(64M) 14.146ms",
                "[1795443580000ms] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 28M->6M(64M) 20.5ms",
                "[1795443581000ms] GC(2) Pause Young (Concurrent Start) (G1 Evacuation Pause) 41M->6M(64M) 9.5ms",
                "[1795443581500ms] GC(2) Concurrent Mark Cycle 36.218ms",
                "[1795443582000ms] GC(2) Pause Remark 10M->10M(512M) 3.000ms",
                "[1795443583000ms] GC(3) Pause Young (Normal) (G1 Evacuation Pause) 41M->6M(64M) 99.0ms"));
        // a rotated file of another process, and one that is not a GC log of ours
        Files.write(dir.resolve("history-service-31637.log.0"), List.of(
                "[1795443580500ms] GC(7) Pause Full (System.gc()) 24M->2M(14M) 22.541ms"));
        Files.write(dir.resolve("notes.txt"), List.of(
                "[1795443580500ms] GC(7) Pause Young (Normal) (G1 Evacuation Pause) 24M->2M(14M) 500ms"));

        Map<String, GcPauses.Sum> pauses = GcPauses.in(dir).between(1795443580000L, 1795443583000L);

        assertThat(pauses).containsOnlyKeys("history-service", "kafka-broker");
        assertThat(pauses.get("kafka-broker").count()).isEqualTo(3);
        assertThat(pauses.get("kafka-broker").millis()).isCloseTo(33.0, within(1e-9));
        assertThat(pauses.get("history-service")).isEqualTo(new GcPauses.Sum(1, 22.541));
        assertThat(GcPauses.describe(pauses)).isEqualTo("history-service 1 (23 ms), kafka-broker 3 (33 ms)");
    }

    @Test
    void saysNoneWhenNoPauseFellInTheWindowOrNoJvmLogs() throws Exception {
        Files.write(dir.resolve("api-service-4323.log"), List.of(
                "[1795443578245ms] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 15M->3M(64M) 14.146ms"));

        assertThat(GcPauses.describe(GcPauses.in(dir).between(1795443578246L, 1795443590000L))).isEqualTo("none");
        assertThat(GcPauses.in(dir).logged()).isTrue();
        assertThat(GcPauses.none().logged()).isFalse();
        assertThat(GcPauses.none().between(0, Long.MAX_VALUE)).isEmpty();
        assertThat(GcPauses.in(dir.resolve("missing")).logged()).isFalse();
    }
}
