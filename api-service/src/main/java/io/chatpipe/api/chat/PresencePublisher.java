package io.chatpipe.api.chat;

import io.chatpipe.events.ChatEvent;
import io.chatpipe.events.PresenceChanged;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import java.time.Clock;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Tells every instance, through {@code chat.presence}, that a user's sessions here came or went. Sent
 * without waiting: presence is a hint, and a login must not wait for it; the producer keeps each user's
 * changes in order (same key, same partition, idempotent).
 */
@Component
class PresencePublisher {

    private static final Logger log = LoggerFactory.getLogger(PresencePublisher.class);

    private final KafkaTemplate<UserId, ChatEvent> template;
    private final String instanceId = "api-" + UUID.randomUUID();
    private final Clock clock = Clock.systemUTC();

    PresencePublisher(KafkaTemplate<UserId, ChatEvent> template) {
        this.template = template;
    }

    public void online(UserId user) {
        publish(user, true);
    }

    public void offline(UserId user) {
        publish(user, false);
    }

    public void flush() {
        template.flush();
    }

    private void publish(UserId user, boolean online) {
        try {
            template.send(Topics.PRESENCE.name(), user, PresenceChanged.of(user, instanceId, online, clock.instant()))
                    .whenComplete((result, failure) -> {
                        if (failure != null) {
                            log.warn("Could not publish that {} is {}: {}", user, online ? "online" : "offline",
                                    failure.toString());
                        }
                    });
        } catch (RuntimeException e) {
            log.warn("Could not publish that {} is {}: {}", user, online ? "online" : "offline", e.toString());
        }
    }
}
