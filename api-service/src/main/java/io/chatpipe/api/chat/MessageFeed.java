package io.chatpipe.api.chat;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.Topic;
import io.chatpipe.events.Topics;
import org.springframework.stereotype.Component;

/**
 * Every message accepted after this instance started, however it came in (REST or WebSocket, on any
 * instance, or captured from the XMPP server: a reply written in an XMPP client), to every session here of
 * its sender and its recipient: a NEW_MESSAGE frame with its ids. The sender's frame carries the sender's own
 * client message id too. The session that sent it gets none: it was told SENT (DELIVERY_STATUS) when Kafka took
 * it, and seed 003's client would draw its own message as received.
 */
@Component
class MessageFeed implements ConversationFeed<MessageAccepted> {

    private final SessionRegistry sessions;

    MessageFeed(SessionRegistry sessions) {
        this.sessions = sessions;
    }

    @Override
    public Topic<ConversationId, MessageAccepted> topic() {
        return Topics.MESSAGES;
    }

    @Override
    public SessionRegistry sessions() {
        return sessions;
    }

    @Override
    public void accept(ConversationId key, MessageAccepted message) {
        ChatFrame frame = new ChatFrame(message.fromId().value(), message.toId().value(), message.message(),
                ChatFrame.NEW_MESSAGE, message.messageId().toString(), null, message.conversationId().value(),
                null, message.acceptedAt(), null);
        sessions.sendToSender(message.fromId(), message.messageId(),
                frame.withClientMessageId(message.clientMessageId()));
        if (!message.toId().equals(message.fromId())) {
            sessions.send(message.toId(), frame);
        }
    }
}
