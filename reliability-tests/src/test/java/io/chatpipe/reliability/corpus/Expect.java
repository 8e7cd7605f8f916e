package io.chatpipe.reliability.corpus;

/** What a case may get back. Never a 5xx, whatever it is. */
enum Expect {

    /** A 4xx (RFC 9457 problem), or over WebSocket an ERROR frame (or FORBIDDEN, or a protocol close). */
    REFUSED("a 4xx"),
    /** A 2xx, or over WebSocket the message back as NEW_MESSAGE: valid input, however odd. */
    ACCEPTED("a 2xx"),
    /** Either, for input whose validity is the service's call (an unknown field, a BOM): never a 5xx. */
    EITHER("a 2xx or a 4xx");

    private final String description;

    Expect(String description) {
        this.description = description;
    }

    boolean allows(int status) {
        return switch (this) {
            case REFUSED -> status >= 400 && status < 500;
            case ACCEPTED -> status >= 200 && status < 300;
            case EITHER -> status >= 200 && status < 500;
        };
    }

    @Override
    public String toString() {
        return description;
    }
}
