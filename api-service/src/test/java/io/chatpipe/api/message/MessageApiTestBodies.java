package io.chatpipe.api.message;

import io.chatpipe.events.ChatJson;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Request bodies as clients write them. */
final class MessageApiTestBodies {

    private MessageApiTestBodies() {
    }

    /** Seed 000's body. */
    static String message(String from, String to, String text) {
        return message(from, to, text, null);
    }

    /** The body of {@code /api/v1/messages}, with a client message id when it is not null. */
    static String message(String from, String to, String text, String clientMessageId) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("fromId", from);
        body.put("toId", to);
        body.put("message", text);
        if (clientMessageId != null) {
            body.put("clientMessageId", clientMessageId);
        }
        return ChatJson.MAPPER.writeValueAsString(body);
    }

    /** The body of {@code /api/v1/messages/batch}: the items as given, JSON each. */
    static String batch(String... items) {
        return "{\"messages\": [" + String.join(", ", items) + "]}";
    }

    /** The body in UTF-8 with raw bytes, valid UTF-8 or not, where {@code @@} stands. */
    static byte[] withBytes(String body, byte... raw) {
        int at = body.indexOf("@@");
        var bytes = new ByteArrayOutputStream();
        bytes.writeBytes(body.substring(0, at).getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes(raw);
        bytes.writeBytes(body.substring(at + 2).getBytes(StandardCharsets.UTF_8));
        return bytes.toByteArray();
    }
}
