package io.chatpipe.api.message;

import io.chatpipe.api.web.FieldProblem;
import io.chatpipe.events.MessageAccepted;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/** A message body over 64 KiB of UTF-8: 413. */
class MessageTooLargeException extends ErrorResponseException {

    MessageTooLargeException(int bytes) {
        super(HttpStatus.CONTENT_TOO_LARGE, FieldProblem.problem(HttpStatus.CONTENT_TOO_LARGE,
                "The message is too large.",
                List.of(new FieldProblem("message", "is " + bytes + " bytes in UTF-8; at most "
                        + MessageAccepted.MAX_MESSAGE_BYTES + " are allowed"))), null);
    }
}
