package io.chatpipe.history.query;

/** A request parameter, path variable or body field that is not valid: a 400 that names it. */
public final class BadQueryException extends RuntimeException {

    private final String field;

    public BadQueryException(String field, String message) {
        super(message);
        this.field = field;
    }

    String field() {
        return field;
    }
}
