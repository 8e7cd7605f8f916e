package io.chatpipe.webhooks;

import io.chatpipe.kafka.KafkaReadiness;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The webhook dispatcher: chat events to integrators' endpoints, signed, retried, never dropped.
 *
 * <p>A service of its own rather than a part of the delivery worker: the worker's dispatch is built around XMPP
 * rounds and their confirmations, per conversation; webhooks fail differently (one integrator down for days),
 * queue per endpoint, and call URLs that users chose. Apart, they deploy, scale and restart alone, and an
 * endpoint's trouble can never slow a message's way into XMPP. Each endpoint has an outbox topic and a consumer
 * group of its own ({@code delivery.EndpointSender}), so its queue, its place in it and its failover to another
 * instance are Kafka's, not state of ours.
 */
@SpringBootApplication
@Import(KafkaReadiness.class)
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
