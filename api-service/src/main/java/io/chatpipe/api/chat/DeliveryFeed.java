package io.chatpipe.api.chat;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.DeliveryAttempted;
import io.chatpipe.events.Topic;
import io.chatpipe.events.Topics;
import org.springframework.stereotype.Component;

/**
 * Delivery outcomes to the sessions here of both users of the conversation, as DELIVERY_STATUS frames:
 * {@code {"messageType":"DELIVERY_STATUS","messageId":...,"conversationId":...,"status":...,
 * "content":<error or absent>,"at":...}}, every outcome as it is named in {@code chat.deliveries}: from the
 * worker ACCEPTED (the XMPP server took it: delivered), RETRYING or FAILED; from the recipient's side, as
 * capture finds it in the XMPP server's archive, STORED (the recipient's archive holds it: delivered too),
 * RECEIVED (a receipt or received marker) or READ (a displayed marker, which covers the earlier messages of
 * the conversation). Outcomes arrive in any order; a client keeps the furthest (see the chat page). The
 * outcome names only the conversation, not the sender; the sender's client knows its message by id, and the
 * recipient's client ignores ids it did not send.
 */
@Component
class DeliveryFeed implements ConversationFeed<DeliveryAttempted> {

    private final SessionRegistry sessions;

    DeliveryFeed(SessionRegistry sessions) {
        this.sessions = sessions;
    }

    @Override
    public Topic<ConversationId, DeliveryAttempted> topic() {
        return Topics.DELIVERIES;
    }

    @Override
    public SessionRegistry sessions() {
        return sessions;
    }

    @Override
    public void accept(ConversationId key, DeliveryAttempted attempt) {
        ConversationId conversation = attempt.conversationId();
        ChatFrame frame = new ChatFrame(null, null, attempt.error(), ChatFrame.DELIVERY_STATUS,
                attempt.messageId().toString(), null, conversation.value(), attempt.outcome().name(),
                attempt.at(), null);
        sessions.send(conversation.first(), frame);
        if (!conversation.second().equals(conversation.first())) {
            sessions.send(conversation.second(), frame);
        }
    }
}
