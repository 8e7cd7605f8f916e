package io.chatpipe.worker;

import io.chatpipe.kafka.KafkaReadiness;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

@SpringBootApplication
@Import(KafkaReadiness.class)
@ConfigurationPropertiesScan
public class DeliveryWorkerApplication {

    public static SpringApplication application() {
        var application = new SpringApplication(DeliveryWorkerApplication.class);
        application.setDefaultProperties(Map.of("spring.config.name", "xmpp-delivery-worker"));
        return application;
    }

    public static void main(String[] args) {
        application().run(args);
    }
}
