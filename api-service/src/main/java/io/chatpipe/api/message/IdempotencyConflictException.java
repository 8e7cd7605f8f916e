package io.chatpipe.api.message;

import io.chatpipe.api.web.FieldProblem;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/** A client message id that its sender already used for a different message: 409. */
class IdempotencyConflictException extends ErrorResponseException {

    IdempotencyConflictException(String clientMessageId) {
        super(HttpStatus.CONFLICT, FieldProblem.problem(HttpStatus.CONFLICT,
                "This client message id was already used for a different message; nothing was stored. Use a "
                        + "new id for a new message.",
                List.of(new FieldProblem("clientMessageId", "'" + clientMessageId
                        + "' was already used by this sender for a message with other content"))), null);
    }
}
