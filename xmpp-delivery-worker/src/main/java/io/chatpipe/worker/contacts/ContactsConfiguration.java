package io.chatpipe.worker.contacts;

import io.chatpipe.events.Topics;
import io.chatpipe.worker.config.WorkerProperties;
import io.chatpipe.worker.dispatch.KeyOrderedDispatcher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.ConsumerFactory;

/** Contacts: {@code chat.contacts}, owner by owner, through the {@link RosterMirror}. */
@Configuration(proxyBeanMethods = false)
class ContactsConfiguration {

    @Bean
    KeyOrderedDispatcher contactDispatcher(ConsumerFactory<byte[], byte[]> rawConsumerFactory, RosterMirror mirror,
                                           WorkerProperties properties) {
        return new KeyOrderedDispatcher(rawConsumerFactory, Topics.CONTACTS.name(),
                properties.consumer().contactsGroupId(), mirror, properties.consumer().maxBuffered(),
                properties.consumer().commitInterval(), "contacts");
    }
}
