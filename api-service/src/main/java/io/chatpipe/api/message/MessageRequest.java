package io.chatpipe.api.message;

import io.chatpipe.api.auth.ApiClient;
import io.chatpipe.api.web.FieldProblem;
import io.chatpipe.events.InvalidIdException;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.UserId;
import io.swagger.v3.oas.annotations.media.Schema;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * A message as a client sends it: the {@code /api/v1/message} shape {@code {"fromId", "toId", "message"}}, plus
 * an optional {@code clientMessageId} that makes a retry idempotent (same sender and client id, same message id).
 * Its rules are {@link #problems()}, for single messages, batch items and WebSocket frames alike.
 */
public record MessageRequest(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minLength = 1) String fromId,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minLength = 1) String toId,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minLength = 1) String message,
        @Schema(maxLength = MessageRequest.MAX_CLIENT_MESSAGE_ID) String clientMessageId) {

    /** The longest client message id, in characters. */
    static final int MAX_CLIENT_MESSAGE_ID = 128;

    static final String BLANK = "must not be blank";

    /**
     * What is wrong with this request, field by field in the order of their names: a missing or blank id or
     * text; an id that cannot become a JID localpart ({@link UserId#of}'s rules); text that XMPP cannot carry
     * (XML 1.0 characters only: markup such as {@code <b>&amp;} is fine, as it is escaped on the way into XML,
     * but no XML stanza can hold control characters other than tab, line feed and carriage return, U+FFFE/U+FFFF
     * or unpaired surrogates, and such a message could never be delivered); a client message id that is blank,
     * longer than {@value #MAX_CLIENT_MESSAGE_ID} characters or holds a control character or unpaired surrogate.
     */
    public List<FieldProblem> problems() {
        List<FieldProblem> problems = new ArrayList<>(0);
        add(problems, "clientMessageId", clientMessageIdProblem(clientMessageId));
        add(problems, "fromId", blank(fromId) ? BLANK : userIdProblem(fromId));
        if (blank(message)) {
            problems.add(new FieldProblem("message", BLANK));
        }
        add(problems, "message", textProblem(message));
        add(problems, "toId", blank(toId) ? BLANK : userIdProblem(toId));
        return problems;
    }

    /**
     * This request, when nothing is wrong with it.
     *
     * @throws ErrorResponseException 400 with {@code detail}, naming the fields at fault
     */
    MessageRequest checked(String detail) {
        List<FieldProblem> problems = problems();
        if (!problems.isEmpty()) {
            throw invalid(detail, problems);
        }
        return this;
    }

    static ErrorResponseException invalid(String detail, List<FieldProblem> problems) {
        return new ErrorResponseException(HttpStatus.BAD_REQUEST,
                FieldProblem.problem(HttpStatus.BAD_REQUEST, detail, problems), null);
    }

    /**
     * The accepted event for a single message sent over REST, after everything it goes through before it is
     * written: its rules, the client message id of an {@code Idempotency-Key} header when there is one, its
     * size, and whether the API key may send as its sender.
     *
     * @throws ErrorResponseException the problem for the client: 400, 413 or 403
     */
    public MessageAccepted acceptSingle(String idempotencyKey, ApiClient client, Instant now) {
        MessageAccepted message = checked("The request is not valid.").withIdempotencyKey(idempotencyKey).accept(now);
        client.checkSender(message.fromId());
        return message;
    }

    /** This request under the {@code Idempotency-Key} header's id, when there is one. */
    private MessageRequest withIdempotencyKey(String key) {
        if (key == null) {
            return this;
        }
        String problem = clientMessageIdProblem(key);
        if (problem == null && clientMessageId != null && !clientMessageId.equals(key)) {
            problem = "differs from the body's clientMessageId";
        }
        if (problem != null) {
            throw invalid("The request is not valid.",
                    List.of(new FieldProblem(MessageController.IDEMPOTENCY_KEY, problem)));
        }
        return new MessageRequest(fromId, toId, message, key);
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

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static void add(List<FieldProblem> problems, String field, String problem) {
        if (problem != null) {
            problems.add(new FieldProblem(field, problem));
        }
    }

    /** What is wrong with a client message id, or null when nothing is (or none is given). */
    private static String clientMessageIdProblem(String value) {
        if (value == null) {
            return null;
        }
        if (value.isBlank()) {
            return "must not be blank when given";
        }
        if (value.length() > MAX_CLIENT_MESSAGE_ID) {
            return "must be at most " + MAX_CLIENT_MESSAGE_ID + " characters";
        }
        int bad = value.codePoints()
                .filter(cp -> Character.getType(cp) == Character.CONTROL || Character.getType(cp) == Character.SURROGATE)
                .findFirst().orElse(-1);
        return bad < 0 ? null : String.format("must not contain U+%04X", bad);
    }

    /** What is wrong with a user id that is not blank, or null when nothing is. */
    private static String userIdProblem(String value) {
        try {
            UserId.of(value);
            return null;
        } catch (InvalidIdException e) {
            return e.getMessage();
        }
    }

    /** The first character of the text that XMPP cannot carry, or null when there is none (or no text). */
    private static String textProblem(String value) {
        if (value == null) {
            return null;
        }
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            if (!xmlChar(cp)) {
                return String.format("must not contain U+%04X", cp);
            }
            i += Character.charCount(cp);
        }
        return null;
    }

    /** XML 1.0's {@code Char} production. */
    private static boolean xmlChar(int cp) {
        return cp == 0x9 || cp == 0xA || cp == 0xD
                || (cp >= 0x20 && cp <= 0xD7FF)
                || (cp >= 0xE000 && cp <= 0xFFFD)
                || (cp >= 0x10000 && cp <= 0x10FFFF);
    }
}
