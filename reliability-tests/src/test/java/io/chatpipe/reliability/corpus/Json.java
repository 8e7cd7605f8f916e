package io.chatpipe.reliability.corpus;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * JSON text built by hand, so that a case can hold exactly what it means to: every character outside
 * printable ASCII escaped as {@code \}{@code uXXXX} (lone surrogates included), values given as raw JSON.
 */
final class Json {

    private Json() {
    }

    /** A JSON string of the text, in ASCII. */
    static String str(String text) {
        var out = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || c >= 0x7F) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** An object of raw JSON values, in the order given: {@code obj("a", "1", "b", str("x"))}. */
    static String obj(String... keysAndRawValues) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < keysAndRawValues.length; i += 2) {
            fields.put(keysAndRawValues[i], keysAndRawValues[i + 1]);
        }
        return obj(fields);
    }

    static String obj(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> str(e.getKey()) + ":" + e.getValue())
                .collect(Collectors.joining(",", "{", "}"));
    }

    /** A message as a client sends it, every value a JSON string. */
    static Map<String, String> message(String from, String to, String text, String clientMessageId) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("fromId", str(from));
        fields.put("toId", str(to));
        fields.put("message", str(text));
        if (clientMessageId != null) {
            fields.put("clientMessageId", str(clientMessageId));
        }
        return fields;
    }
}
