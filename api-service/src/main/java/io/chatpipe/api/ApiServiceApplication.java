package io.chatpipe.api;

import io.chatpipe.kafka.KafkaReadiness;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

/** The api-service: takes chat messages over REST and writes them to Kafka. */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import(KafkaReadiness.class)
public class ApiServiceApplication {

    /** The service as the run command and the end-to-end test start it: configured by api-service.yml. */
    public static SpringApplication application() {
        SpringApplication application = new SpringApplication(ApiServiceApplication.class);
        application.setDefaultProperties(Map.of("spring.config.name", "api-service"));
        return application;
    }

    public static void main(String[] args) {
        application().run(args);
    }
}
