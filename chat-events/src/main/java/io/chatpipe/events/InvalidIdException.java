package io.chatpipe.events;

/** An external id, conversation id or message id that breaks the rules of its kind. */
public final class InvalidIdException extends IllegalArgumentException {

    public InvalidIdException(String message) {
        super(message);
    }
}
