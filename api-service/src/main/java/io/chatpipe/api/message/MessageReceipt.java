package io.chatpipe.api.message;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;

/** The answer to an accepted message: {@code {"messageId": "<uuid>", "conversationId": "alice:bob"}}. */
public record MessageReceipt(MessageId messageId, ConversationId conversationId) {

    public static MessageReceipt of(MessageAccepted message) {
        return new MessageReceipt(message.messageId(), message.conversationId());
    }
}
