package io.chatpipe.reliability.corpus;

import java.io.IOException;
import java.util.Map;

/**
 * One bad-input case over the chat WebSocket: a handshake, or frames sent on a fresh logged-in connection.
 *
 * @param handshake how to open the socket; null: {@code /ws/chat?token=} a fresh token, no Origin
 * @param frames    what to send once the socket is open and joined; null for a handshake case
 * @param literal   for an accepted message, what its recipient's XMPP client must show
 * @param knownIssue a reported service bug this case shows ({@link KnownIssues}), or null
 */
record WsCase(String name, String marker, Handshake handshake, Frames frames, Expect expect, Literal literal,
        String knownIssue) {

    /** Sends a case's frames. */
    @FunctionalInterface
    interface Frames {
        void send(RawWebSocket socket) throws IOException;
    }

    /**
     * A handshake of the case's own.
     *
     * @param target  path and query; {@code {token}} stands for a fresh token
     * @param headers extra request headers
     * @param reuse   whether the token is used once before the case uses it
     */
    record Handshake(String target, Map<String, String> headers, boolean reuse) {
    }

    @Override
    public String toString() {
        return (knownIssue == null ? "" : "(" + knownIssue + ") ") + name;
    }
}
