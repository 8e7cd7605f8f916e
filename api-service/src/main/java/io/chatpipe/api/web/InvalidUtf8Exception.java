package io.chatpipe.api.web;

import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/** A JSON request body that is not well-formed UTF-8: 400, rather than a guess at what it meant. */
class InvalidUtf8Exception extends ErrorResponseException {

    InvalidUtf8Exception(long offset) {
        super(HttpStatus.BAD_REQUEST, FieldProblem.problem(HttpStatus.BAD_REQUEST,
                "The request body cannot be read.",
                List.of(new FieldProblem(FieldProblem.BODY, "is not valid UTF-8 (at byte " + offset + ")"))), null);
    }
}
