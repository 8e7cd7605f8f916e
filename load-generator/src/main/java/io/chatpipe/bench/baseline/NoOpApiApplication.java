package io.chatpipe.bench.baseline;

import io.chatpipe.api.config.ApiProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;

/**
 * The ingestion scenario's baseline: the api-service's web layer without Kafka. It is configured by the
 * api-service's own {@code api-service.yml} (the same Tomcat settings) and runs the api-service's own beans for
 * what a single message goes through before it is written: the strict JSON mapper, the request body checks, the
 * API key check and rate limit, and the problem answers. Its one endpoint is {@link NoOpMessageController}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration")
@EnableConfigurationProperties(ApiProperties.class)
@ComponentScan(basePackages = "io.chatpipe.api", useDefaultFilters = false, includeFilters = @ComponentScan.Filter(
        type = FilterType.REGEX, pattern = {
                "io\\.chatpipe\\.api\\.config\\.JsonConfiguration",
                "io\\.chatpipe\\.api\\.web\\.(RequestBodyGuard|ProblemHandler)",
                "io\\.chatpipe\\.api\\.auth\\.(AuthConfiguration|ApiKeys)"}))
@Import(NoOpMessageController.class)
public class NoOpApiApplication {

    /** Readiness as the api-service's, less Kafka, which this application does not reach. */
    private static final List<String> OWN_SETTINGS = List.of("--spring.application.name=no-op-api",
            "--management.endpoint.health.group.readiness.include=readinessState");

    /** The application as {@link NoOpApi} starts it; arguments as the api-service takes them. */
    public static SpringApplication application() {
        SpringApplication application = new SpringApplication(NoOpApiApplication.class);
        application.setDefaultProperties(Map.of("spring.config.name", "api-service"));
        return application;
    }

    /** The arguments with this application's own settings before them, so that the caller's take precedence. */
    public static String[] arguments(String... args) {
        List<String> all = new ArrayList<>(OWN_SETTINGS);
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    public static void main(String[] args) {
        application().run(arguments(args));
    }
}
