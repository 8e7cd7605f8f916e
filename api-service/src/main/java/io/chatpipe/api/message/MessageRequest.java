package io.chatpipe.api.message;

import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.UserId;
import jakarta.validation.constraints.NotBlank;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A message as a client sends it: seed 000's {@code {"fromId", "toId", "message"}}, plus an optional
 * {@code clientMessageId} that makes a retry idempotent (same sender and client id, same message id).
 */
public record MessageRequest(
        @NotBlank @ExternalUserId String fromId,
        @NotBlank @ExternalUserId String toId,
        @NotBlank @ChatText String message,
        @ClientMessageId String clientMessageId) {

    /** This request under another client message id (from an {@code Idempotency-Key} header). */
    MessageRequest withClientMessageId(String id) {
        return new MessageRequest(fromId, toId, message, id);
    }

    /**
     * The accepted event for this request, once it passed validation.
     *
     * @throws MessageTooLargeException when the body is over {@link MessageAccepted#MAX_MESSAGE_BYTES}
     */
    public MessageAccepted accept(Instant now) {
        int bytes = message.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MessageAccepted.MAX_MESSAGE_BYTES) {
            throw new MessageTooLargeException(bytes);
        }
        UserId from = UserId.of(fromId);
        MessageId id = clientMessageId == null ? MessageId.random() : MessageId.forClientMessage(from, clientMessageId);
        return MessageAccepted.of(id, from, UserId.of(toId), message, now, clientMessageId);
    }
}
