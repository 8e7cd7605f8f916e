package io.chatpipe.api.web;

import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/** A request body over the configured limit: 413, before the rest of it is read. */
class RequestBodyTooLargeException extends ErrorResponseException {

    RequestBodyTooLargeException(long maxBytes) {
        super(HttpStatus.CONTENT_TOO_LARGE, FieldProblem.problem(HttpStatus.CONTENT_TOO_LARGE,
                "The request body is too large.",
                List.of(new FieldProblem(FieldProblem.BODY, "must be at most " + maxBytes + " bytes"))), null);
    }
}
