package io.chatpipe.worker.delivery;

import io.chatpipe.events.Topics;
import io.chatpipe.worker.config.WorkerProperties;
import io.chatpipe.worker.dispatch.KeyOrderedDispatcher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.ConsumerFactory;

/** Delivery: {@code chat.messages}, conversation by conversation, through the {@link Courier}. */
@Configuration(proxyBeanMethods = false)
class DeliveryConfiguration {

    @Bean
    KeyOrderedDispatcher messageDispatcher(ConsumerFactory<byte[], byte[]> rawConsumerFactory, Courier courier,
                                           WorkerProperties properties) {
        return new KeyOrderedDispatcher(rawConsumerFactory, Topics.MESSAGES.name(), properties.consumer().groupId(),
                courier, properties.consumer().maxBuffered(), properties.consumer().commitInterval(), "deliver");
    }
}
