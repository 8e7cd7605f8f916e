package io.chatpipe.api.message;

import io.chatpipe.api.web.FieldProblem;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.UserId;
import jakarta.validation.constraints.NotBlank;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A message as a client sends it: seed 000's {@code {"fromId", "toId", "message"}}, plus an optional
 * {@code clientMessageId} that makes a retry idempotent (same sender and client id, same message id).
 */
public record MessageRequest(
        @NotBlank @ExternalUserId String fromId,
        @NotBlank @ExternalUserId String toId,
        @NotBlank @ChatText String message,
        @ClientMessageId String clientMessageId) {

    /** Bean Validation's message for {@code @NotBlank}, which {@link #problems} gives too. */
    static final String BLANK = "must not be blank";

    /**
     * What its constraints say is wrong with this request, field by field in the order of their names: the same
     * rules that {@code @Valid} applies, checked without Bean Validation's machinery, which took an eighth of
     * the CPU of a batch, item by item. {@code MessageRequestTests} holds the two to the same answers.
     */
    public List<FieldProblem> problems() {
        List<FieldProblem> problems = new ArrayList<>(0);
        add(problems, "clientMessageId", ClientMessageId.Validator.problem(clientMessageId));
        add(problems, "fromId", blank(fromId) ? BLANK : ExternalUserId.Validator.problem(fromId));
        add(problems, "message", blank(message) ? BLANK : ChatText.Validator.problem(message));
        add(problems, "toId", blank(toId) ? BLANK : ExternalUserId.Validator.problem(toId));
        return problems;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static void add(List<FieldProblem> problems, String field, String problem) {
        if (problem != null) {
            problems.add(new FieldProblem(field, problem));
        }
    }

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
