package io.chatpipe.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class KafkaConfigurationTests {

    @Test
    void boundsEveryWaitOnKafkaByDefault() {
        ApiProperties.Publish publish = bind(Map.of()).publish();

        assertThat(publish.maxBlock()).isEqualTo(Duration.ofSeconds(3));
        assertThat(publish.deliveryTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(publish.acknowledgementTimeout()).isGreaterThan(publish.deliveryTimeout());
        assertThat(publish.retryAfter()).isEqualTo(Duration.ofSeconds(5));
    }

    private static ApiProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("chatpipe.api", ApiProperties.class);
    }
}
