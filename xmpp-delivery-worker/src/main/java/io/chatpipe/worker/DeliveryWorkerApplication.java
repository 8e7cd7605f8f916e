package io.chatpipe.worker;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
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
