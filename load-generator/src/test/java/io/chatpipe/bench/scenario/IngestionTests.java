package io.chatpipe.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IngestionTests {

    @Test
    void countsABatchAnswersAcceptedMessagesWhereverTheFieldIs() {
        assertThat(Ingestion.accepted("{\"accepted\":99,\"rejected\":1,\"results\":[{\"status\":202}]}"))
                .isEqualTo(99);
        assertThat(Ingestion.accepted("{\"results\":[{\"accepted\":5,\"x\":{\"accepted\":6}}],\"accepted\":7}"))
                .as("only the answer's own field counts").isEqualTo(7);
        assertThatThrownBy(() -> Ingestion.accepted("{\"rejected\":3}")).isInstanceOf(IllegalStateException.class);
    }
}
