package io.chatpipe.history.query;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A position in a conversation, handed to clients as an opaque token: base64url of a versioned offset in the
 * conversation's partition of chat.messages. {@code before=} a cursor means older than that position,
 * {@code after=} newer; positions stay valid however many messages arrive later.
 */
record Cursor(long position) {

    private static final String VERSION = "v1:";

    /** The position before every message: {@code after=} it reads a conversation from its start. */
    static final Cursor START = new Cursor(-1);

    static Cursor of(long position) {
        return new Cursor(position);
    }

    static Cursor parse(String field, String token) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII);
            if (decoded.startsWith(VERSION)) {
                long position = Long.parseLong(decoded.substring(VERSION.length()));
                if (position >= -1) {
                    return new Cursor(position);
                }
            }
        } catch (IllegalArgumentException e) {
            // not base64url, or not a number: the same answer as any other token we did not make
        }
        throw new BadQueryException(field, "not a cursor from this API; use nextCursor or prevCursor of a page");
    }

    String token() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((VERSION + position).getBytes(StandardCharsets.US_ASCII));
    }
}
