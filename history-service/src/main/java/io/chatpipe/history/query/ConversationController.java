package io.chatpipe.history.query;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.InvalidIdException;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.UserId;
import io.chatpipe.history.config.HistoryProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The messages of a direct conversation, the same whichever of its two users is named first. */
@RestController
@RequestMapping("/api/v1/conversations")
class ConversationController {

    private static final Logger log = LoggerFactory.getLogger(ConversationController.class);

    private final ConversationHistory history;
    private final Duration retryAfter;

    ConversationController(ConversationHistory history, HistoryProperties properties) {
        this.history = history;
        this.retryAfter = properties.query().retryAfter();
    }

    @GetMapping("/{userA}/{userB}/messages")
    MessagePage messages(@PathVariable String userA, @PathVariable String userB) {
        ConversationId conversation = ConversationId.between(user("userA", userA), user("userB", userB));
        return new MessagePage(history.latest(conversation).stream().map(HistoryMessage::of).toList());
    }

    /** An answer: the conversation's newest messages, at most chatpipe.history.query.max-messages, oldest first. */
    record MessagePage(List<HistoryMessage> messages) {
    }

    record HistoryMessage(MessageId messageId, UserId fromId, UserId toId, String message, Instant acceptedAt) {

        static HistoryMessage of(MessageAccepted accepted) {
            return new HistoryMessage(accepted.messageId(), accepted.fromId(), accepted.toId(), accepted.message(),
                    accepted.acceptedAt());
        }
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> invalidUser(InvalidUserException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                e.variable + ": " + e.getMessage());
        problem.setTitle("Invalid user id");
        problem.setProperty("field", e.variable);
        return ResponseEntity.badRequest().body(problem);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> unavailable(HistoryUnavailableException e) {
        log.debug("Answering 503: {}", e.getMessage());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "History is starting or rebalancing; try again shortly.");
        problem.setTitle("History not ready");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, retryAfter.toSeconds())))
                .body(problem);
    }

    private static UserId user(String variable, String raw) {
        try {
            return UserId.of(raw);
        } catch (InvalidIdException e) {
            throw new InvalidUserException(variable, e);
        }
    }

    private static final class InvalidUserException extends RuntimeException {

        private final String variable;

        InvalidUserException(String variable, InvalidIdException cause) {
            super(cause.getMessage(), cause);
            this.variable = variable;
        }
    }
}
