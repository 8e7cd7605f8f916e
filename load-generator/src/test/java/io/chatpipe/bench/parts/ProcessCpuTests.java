package io.chatpipe.bench.parts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessCpuTests {

    @Test
    void readsTheCpuTimeThisProcessSpends() {
        double before = ProcessCpu.cpuSeconds(ProcessHandle.current()).orElseThrow();
        long spin = System.nanoTime() + 300_000_000L;
        long sum = 0;
        while (System.nanoTime() < spin) {
            sum += Long.numberOfTrailingZeros(System.nanoTime());
        }
        double after = ProcessCpu.cpuSeconds(ProcessHandle.current()).orElseThrow();

        assertThat(sum).isPositive();
        assertThat(after).isGreaterThan(before);
    }

    @Test
    void hasNothingToReadOfAProcessThatIsGone() throws Exception {
        assertThat(ProcessCpu.ticks(Long.MAX_VALUE)).isEmpty();
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        assertThat(ProcessCpu.cpuSeconds(gone.toHandle())).isEmpty();
        assertThat(ProcessCpu.compilerSeconds(gone.toHandle())).isEmpty();
    }

    @Test
    void readsTheTimeThisJvmsJitCompilerThreadsSpendWithinItsOwn() {
        // a JVM that has started JUnit and run a test has compiled methods, and that time is part of its own
        double compiling = ProcessCpu.compilerSeconds(ProcessHandle.current()).orElseThrow();
        double own = ProcessCpu.cpuSeconds(ProcessHandle.current()).orElseThrow();

        assertThat(compiling).isPositive().isLessThan(own);
    }

    @Test
    void takesEachPartsIdleSpendingOffBeforeDividingByTheItems() {
        var before = new ProcessCpu.Sample(0, Map.of("worker", 10.0, "broker", 5.0, "ejabberd", 1.0));
        // 2 s later; the broker was restarted in between and is left out
        var after = new ProcessCpu.Sample(2_000_000_000L, Map.of("worker", 12.0, "ejabberd", 1.5));

        var perItem = ProcessCpu.millisPerItem(before, after, Map.of("worker", 0.25, "ejabberd", 0.5), 1_000);

        // the worker: 2 s of CPU, 0.5 s of it idle, over 1,000 items; ejabberd spent less than its idle rate
        assertThat(perItem).containsOnlyKeys("worker", "ejabberd");
        assertThat(perItem.get("worker")).isCloseTo(1.5, within(1e-9));
        assertThat(perItem.get("ejabberd")).isCloseTo(-0.5, within(1e-9));
    }
}
