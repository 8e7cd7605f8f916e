package io.chatpipe.history.query;

/** What the request names does not exist (yet): a 404. */
final class NotFoundException extends RuntimeException {

    NotFoundException(String message) {
        super(message);
    }
}
