package io.chatpipe.history;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** history-service: materializes chat.messages into per-conversation history and answers queries on it. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class HistoryServiceApplication {

    /** The application with its own config name, so that several chatpipe services can share one JVM. */
    public static SpringApplication application() {
        SpringApplication application = new SpringApplication(HistoryServiceApplication.class);
        application.setDefaultProperties(Map.of("spring.config.name", "history-service"));
        return application;
    }

    public static void main(String[] args) {
        application().run(args);
    }
}
