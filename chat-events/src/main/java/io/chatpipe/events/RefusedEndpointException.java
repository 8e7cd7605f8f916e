package io.chatpipe.events;

/** A webhook URL chatpipe will not call, and why (a phrase that follows the field's name: "must be ..."). */
public class RefusedEndpointException extends Exception {

    public RefusedEndpointException(String reason) {
        super(reason, null, false, false);
    }
}
