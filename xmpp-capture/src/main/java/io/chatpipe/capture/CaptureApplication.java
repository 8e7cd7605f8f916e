package io.chatpipe.capture;

import io.chatpipe.kafka.KafkaReadiness;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

@SpringBootApplication
@Import(KafkaReadiness.class)
@ConfigurationPropertiesScan
public class CaptureApplication {

    public static SpringApplication application() {
        var application = new SpringApplication(CaptureApplication.class);
        application.setDefaultProperties(Map.of("spring.config.name", "xmpp-capture"));
        return application;
    }

    public static void main(String[] args) {
        application().run(args);
    }
}
