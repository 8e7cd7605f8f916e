package io.chatpipe.api.webhook;

import io.chatpipe.events.Topics;
import io.chatpipe.events.WebhookEndpoint;
import io.chatpipe.kafka.TopicTable;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Every webhook endpoint, as the compacted {@code chat.webhooks} says, read from its beginning. */
@Component
class WebhookBook extends TopicTable<String, WebhookEndpoint> {

    WebhookBook() {
        super(Topics.WEBHOOKS);
    }

    /** The endpoint, if it exists and belongs to this owner (another owner's is as good as absent). */
    Optional<WebhookEndpoint> find(String owner, String id) {
        return find(id).filter(endpoint -> endpoint.owner().equals(owner));
    }

    List<WebhookEndpoint> owned(String owner) {
        return values().stream().filter(endpoint -> endpoint.owner().equals(owner))
                .sorted(Comparator.comparing(WebhookEndpoint::createdAt)).toList();
    }
}
