package io.chatpipe.api.web;

import java.util.List;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * What is wrong with one field of a request. Every 4xx problem body of chatpipe lists them in its
 * {@code errors} property: {@code "errors": [{"field": "fromId", "detail": "must not be blank"}]}.
 * The field is the JSON property's name, or {@code body} for the request body as a whole.
 */
public record FieldProblem(String field, String detail) {

    /** The problem body's property that lists the field problems. */
    public static final String ERRORS = "errors";

    /** The field name for the request body as a whole. */
    public static final String BODY = "body";

    /**
     * What a JSON reader's type mismatch says of the top-level field it happened in: a value of the wrong type,
     * or, when it is in no field, a body that is not a JSON object.
     */
    public static FieldProblem of(MismatchedInputException mismatch) {
        if (mismatch.getPath().isEmpty() || mismatch.getPath().getFirst().getPropertyName() == null) {
            return new FieldProblem(BODY, "must be a JSON object");
        }
        return new FieldProblem(mismatch.getPath().getFirst().getPropertyName(),
                mismatch.getTargetType() == String.class ? "must be a JSON string" : "has the wrong type");
    }

    /** An RFC 9457 problem with its field problems. */
    public static ProblemDetail problem(HttpStatusCode status, String detail, List<FieldProblem> errors) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setProperty(ERRORS, List.copyOf(errors));
        return problem;
    }
}
