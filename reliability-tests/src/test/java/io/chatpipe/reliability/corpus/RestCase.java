package io.chatpipe.reliability.corpus;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One bad-input case over REST.
 *
 * @param marker  a string no other case sends, inside the message text (or client id) where the case has one,
 *                so that what reaches Kafka can be traced to its case
 * @param history whether it goes to history-service (else api-service)
 * @param items   for a batch answered 200: what each item's own result must be
 * @param literal for an accepted message, what its recipient's XMPP client must show
 * @param knownIssue a reported service bug this case shows ({@link KnownIssues}), or null
 */
record RestCase(String name, String marker, boolean history, String method, String path, Map<String, String> headers,
        byte[] body, Expect expect, List<Expect> items, Literal literal, String knownIssue) {

    RestCase {
        headers = Map.copyOf(headers);
        items = items == null ? null : List.copyOf(items);
    }

    RestCase knownIssue(String issue) {
        return new RestCase(name, marker, history, method, path, headers, body, expect, items, literal, issue);
    }

    /** Whether what it sends could become a message in chat.messages (a message endpoint). */
    boolean carriesMessages() {
        return !history && path.startsWith("/api/v1/message");
    }

    byte[] request() {
        return RawHttp.request(method, path, headers, body);
    }

    @Override
    public String toString() {
        String shown = body == null ? "" : new String(body, 0, Math.min(body.length, 160), StandardCharsets.ISO_8859_1)
                .replaceAll("[^\\x20-\\x7e]", "?");
        return (knownIssue == null ? "" : "(" + knownIssue + ") ") + name + " [" + method + " " + (path.length() > 100 ? path.substring(0, 100) + "..." : path) + " "
                + shown + (body != null && body.length > 160 ? "... (" + body.length + " bytes)" : "") + "]";
    }
}
