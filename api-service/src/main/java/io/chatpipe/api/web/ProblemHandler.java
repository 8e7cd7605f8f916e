package io.chatpipe.api.web;

import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * Every error as an RFC 9457 problem body ({@code application/problem+json}). Bad input is a 4xx
 * whose {@code errors} name the fields at fault (see {@link FieldProblem}); never a 500.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldProblem> errors = ex.getBindingResult().getFieldErrors().stream()
                .map(error -> new FieldProblem(error.getField(), error.getDefaultMessage()))
                .sorted(Comparator.comparing(FieldProblem::field).thenComparing(FieldProblem::detail))
                .toList();
        ProblemDetail problem = FieldProblem.problem(HttpStatus.BAD_REQUEST, "The request is not valid.", errors);
        return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        for (Throwable cause = ex.getCause(); cause != null; cause = cause.getCause()) {
            // the body's checks (RequestBodyGuard) refuse it as it is read: their answer, not "cannot be read"
            if (cause instanceof RequestBodyTooLargeException || cause instanceof InvalidUtf8Exception) {
                ErrorResponseException refusal = (ErrorResponseException) cause;
                return handleErrorResponseException(refusal, refusal.getHeaders(), refusal.getStatusCode(), request);
            }
        }
        ProblemDetail problem = FieldProblem.problem(HttpStatus.BAD_REQUEST, "The request body cannot be read.",
                List.of(unreadable(ex.getCause())));
        return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    @Override
    protected ResponseEntity<Object> handleErrorResponseException(ErrorResponseException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        if (status.is5xxServerError()) {
            // expected when Kafka is down, and then frequent: the cause in one line, not a stack trace each time
            log.warn("Answered {} to {}: {} ({})", status.value(), request.getDescription(false),
                    ex.getBody().getDetail(), NestedExceptionUtils.getMostSpecificCause(ex).toString());
        }
        return super.handleErrorResponseException(ex, headers, status, request);
    }

    /** A bug of ours: a 500 problem that gives nothing away, and the stack trace in the log. */
    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> handleUnexpected(Exception ex, WebRequest request) {
        log.error("Request {} failed", request.getDescription(false), ex);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "The request failed unexpectedly.");
        return handleExceptionInternal(ex, problem, new HttpHeaders(), HttpStatus.INTERNAL_SERVER_ERROR, request);
    }

    /** What the JSON reader could not make sense of, and in which top-level field if it knows. */
    private static FieldProblem unreadable(Throwable cause) {
        if (cause == null) {
            return new FieldProblem(FieldProblem.BODY, "is required");
        }
        if (cause instanceof MismatchedInputException mismatch) {
            return FieldProblem.of(mismatch);
        }
        if (cause instanceof StreamReadException malformed) {
            TokenStreamLocation at = malformed.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            return new FieldProblem(FieldProblem.BODY, "is not valid JSON" + where + ": "
                    + malformed.getOriginalMessage());
        }
        if (cause instanceof JacksonException invalid && topLevelField(invalid) != null) {
            return new FieldProblem(topLevelField(invalid), "is not valid");
        }
        return new FieldProblem(FieldProblem.BODY, "cannot be read");
    }

    private static String topLevelField(JacksonException ex) {
        return ex.getPath().isEmpty() ? null : ex.getPath().getFirst().getPropertyName();
    }
}
