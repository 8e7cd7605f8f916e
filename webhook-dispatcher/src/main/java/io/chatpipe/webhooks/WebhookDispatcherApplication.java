package io.chatpipe.webhooks;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The webhook dispatcher: chat events to integrators' endpoints, signed, retried, never dropped. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class WebhookDispatcherApplication {

    public static SpringApplication application() {
        var application = new SpringApplication(WebhookDispatcherApplication.class);
        application.setDefaultProperties(Map.of("spring.config.name", "webhook-dispatcher"));
        return application;
    }

    public static void main(String[] args) {
        application().run(args);
    }
}
