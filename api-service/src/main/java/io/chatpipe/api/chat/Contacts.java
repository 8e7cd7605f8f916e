package io.chatpipe.api.chat;

import io.chatpipe.kafka.TopicReplica;
import io.chatpipe.api.config.ApiProperties;
import io.chatpipe.events.ChatEvent;
import io.chatpipe.events.ContactChanged;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Changes contact lists through {@code chat.contacts}, and returns once this instance has read the change
 * back: a GET_CONTACTS after an ADD_CONTACT on the same connection always sees it.
 */
@Component
class Contacts {

    private final KafkaTemplate<UserId, ChatEvent> template;
    private final ContactBook book;
    private final TopicReplica tail;
    private final Duration timeout;
    private final Clock clock = Clock.systemUTC();

    Contacts(KafkaTemplate<UserId, ChatEvent> template, ContactBook book, TopicReplica tail, ApiProperties properties) {
        this.template = template;
        this.book = book;
        this.tail = tail;
        this.timeout = properties.chat().requestTimeout();
    }

    /** @return false when the contact was already there, and nothing was written */
    public boolean add(UserId owner, UserId contact) {
        if (book.has(owner, contact)) {
            return false;
        }
        write(ContactChanged.added(owner, contact, clock.instant()));
        return true;
    }

    /** @return false when there was no such contact, and nothing was written */
    public boolean remove(UserId owner, UserId contact) {
        if (!book.has(owner, contact)) {
            return false;
        }
        write(ContactChanged.removed(owner, contact, clock.instant()));
        return true;
    }

    private void write(ContactChanged change) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RecordMetadata written;
        try {
            written = template.send(Topics.CONTACTS.name(), change.owner(), change)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).getRecordMetadata();
        } catch (ExecutionException e) {
            throw new ContactsUnavailableException(e.getCause());
        } catch (TimeoutException | RuntimeException e) {
            throw new ContactsUnavailableException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ContactsUnavailableException(e);
        }
        Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
        if (!tail.awaitRead(Topics.CONTACTS, written.partition(), written.offset(), left)) {
            throw new ContactsUnavailableException(new TimeoutException("the change was stored but not yet read back"));
        }
    }

    /** Kafka did not take a contact change in time (or it was not read back in time). */
    public static final class ContactsUnavailableException extends RuntimeException {

        ContactsUnavailableException(Throwable cause) {
            super("contacts cannot be changed right now", cause);
        }
    }
}
