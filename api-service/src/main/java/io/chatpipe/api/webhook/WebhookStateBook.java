package io.chatpipe.api.webhook;

import io.chatpipe.events.Topics;
import io.chatpipe.events.WebhookEndpointState;
import io.chatpipe.kafka.TopicTable;
import org.springframework.stereotype.Component;

/** Where each endpoint's deliveries stand, as the dispatcher last wrote to {@code chat.webhooks.state}. */
@Component
class WebhookStateBook extends TopicTable<String, WebhookEndpointState> {

    WebhookStateBook() {
        super(Topics.WEBHOOK_STATES);
    }
}
