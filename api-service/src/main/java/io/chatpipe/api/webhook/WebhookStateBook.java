package io.chatpipe.api.webhook;

import io.chatpipe.kafka.TopicFollower;
import io.chatpipe.events.Topic;
import io.chatpipe.events.Topics;
import io.chatpipe.events.WebhookEndpointState;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/** Where each endpoint's deliveries stand, as the dispatcher last wrote to {@code chat.webhooks.state}. */
@Component
class WebhookStateBook implements TopicFollower<String, WebhookEndpointState> {

    private final Map<String, WebhookEndpointState> states = new ConcurrentHashMap<>();

    @Override
    public Topic<String, WebhookEndpointState> topic() {
        return Topics.WEBHOOK_STATES;
    }

    @Override
    public boolean fromBeginning() {
        return true;
    }

    @Override
    public void accept(String id, WebhookEndpointState state) {
        states.put(id, state);
    }

    Optional<WebhookEndpointState> find(String id) {
        return Optional.ofNullable(states.get(id));
    }
}
