package io.chatpipe.api.webhook;

import io.chatpipe.kafka.TopicFollower;
import io.chatpipe.events.Topic;
import io.chatpipe.events.Topics;
import io.chatpipe.events.WebhookEndpoint;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/** Every webhook endpoint, as the compacted {@code chat.webhooks} says, read from its beginning. */
@Component
class WebhookBook implements TopicFollower<String, WebhookEndpoint> {

    private final Map<String, WebhookEndpoint> endpoints = new ConcurrentHashMap<>();

    @Override
    public Topic<String, WebhookEndpoint> topic() {
        return Topics.WEBHOOKS;
    }

    @Override
    public boolean fromBeginning() {
        return true;
    }

    @Override
    public void accept(String id, WebhookEndpoint endpoint) {
        endpoints.put(id, endpoint);
    }

    /** Tombstones never reach followers; a deleted endpoint is marked by its controller instead. */
    void forget(String id) {
        endpoints.remove(id);
    }

    /** The endpoint, if it exists and belongs to this owner (another owner's is as good as absent). */
    Optional<WebhookEndpoint> find(String owner, String id) {
        return Optional.ofNullable(endpoints.get(id)).filter(endpoint -> endpoint.owner().equals(owner));
    }

    List<WebhookEndpoint> owned(String owner) {
        return endpoints.values().stream().filter(endpoint -> endpoint.owner().equals(owner))
                .sorted(Comparator.comparing(WebhookEndpoint::createdAt)).toList();
    }
}
