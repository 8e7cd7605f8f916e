package io.chatpipe.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.bench.measure.Load;
import java.util.List;
import org.junit.jupiter.api.Test;

class IngestionTests {

    @Test
    void startsTheNoOpWithTheApiServicesJvmOptionsAndAGcLogOfItsOwn() {
        List<String> api = List.of("--sun-misc-unsafe-memory-access=allow", "-Xms2g", "-Xmx2g",
                "-Xlog:gc:file=/data/logs/gc/api-service-%p.log:timemillis", "-jar", "/x/api-service-exec.jar",
                "--server.port=20080", "-Xmx9g");

        assertThat(Ingestion.noOpJvmOptions(api)).containsExactly("--sun-misc-unsafe-memory-access=allow", "-Xms2g",
                "-Xmx2g", "-Xlog:gc:file=/data/logs/gc/no-op-api-%p.log:timemillis");
    }

    @Test
    void givesTheNoOpAHeapWhenTheApiServicesOptionsAreUnknown() {
        assertThat(Ingestion.noOpJvmOptions(List.of())).containsExactly("-Xmx512m");
        assertThat(Ingestion.noOpJvmOptions(List.of("-jar", "api-service.jar", "-Xmx2g"))).containsExactly("-Xmx512m");
    }

    @Test
    void poolsRoundsIntoOneRateOverTheirItemsAndSeconds() {
        Load first = new Load("a", 100, 100, 0, 4.0, 25, 2.0, 10.0, 20.0, 30.0, null);
        Load second = new Load("b", 300, 300, 1, 4.0, 75, 4.0, 20.0, 40.0, 50.0, "refused");

        Load pooled = Ingestion.pooled("both", List.of(first, second));

        assertThat(pooled.items()).isEqualTo(400);
        assertThat(pooled.errors()).isEqualTo(1);
        assertThat(pooled.itemsPerSecond()).isEqualTo(50.0);
        assertThat(pooled.p50Ms()).isEqualTo(3.0);
        assertThat(pooled.maxMs()).isEqualTo(50.0);
        assertThat(pooled.firstError()).isEqualTo("refused");
    }
}
