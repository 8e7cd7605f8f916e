package io.chatpipe.reliability.corpus;

import static io.chatpipe.reliability.corpus.Json.obj;
import static io.chatpipe.reliability.corpus.Json.str;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** The WebSocket half of the bad-input corpus: seed 003's JSON frames, mutated, and frames no client should send. */
final class WsCorpus {

    /** The user every WebSocket case logs in as. */
    static final String USER = "corpus-ws";
    static final String TO = "corpus-b";

    private final Markers markers;
    private final String literalRecipient;
    private final List<WsCase> cases = new ArrayList<>();

    WsCorpus(Markers markers, String literalRecipient) {
        this.markers = markers;
        this.literalRecipient = literalRecipient;
    }

    List<WsCase> generate() {
        malformedJson();
        wrongTypes();
        characters();
        oversize();
        protocol();
        messageTypes();
        handshakes();
        return Collections.unmodifiableList(cases);
    }

    static String frame(String to, String content, String clientMessageId) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("messageType", str("NEW_MESSAGE"));
        fields.put("to", str(to));
        fields.put("content", str(content));
        if (clientMessageId != null) {
            fields.put("clientMessageId", str(clientMessageId));
        }
        return obj(fields);
    }

    private void malformedJson() {
        Map<String, UnaryOperator<String>> mutations = new LinkedHashMap<>();
        mutations.put("cut in half", t -> t.substring(0, t.length() / 2));
        mutations.put("closing brace missing", t -> t.substring(0, t.length() - 1));
        mutations.put("a quote missing", t -> t.replaceFirst("\"", ""));
        mutations.put("trailing comma", t -> t.substring(0, t.length() - 1) + ",}");
        mutations.put("single quotes", t -> t.replace('"', '\''));
        mutations.put("unquoted keys", t -> t.replace("\"to\"", "to"));
        mutations.put("garbage after the object", t -> t + " trailing garbage");
        mutations.put("two objects", t -> t + t);
        mutations.put("a comment", t -> "/* c */" + t);
        mutations.put("NaN content", t -> t.replaceFirst("\"content\":\"[^\"]*\"", "\"content\":NaN"));
        mutations.put("bad escape", t -> t.replaceFirst("\"content\":\"", "\"content\":\"\\\\x41"));
        mutations.put("raw control byte in a string", t -> t.replaceFirst("\"content\":\"", "\"content\":\"\u0001"));
        mutations.put("duplicate messageType", t -> t.substring(0, t.length() - 1) + ",\"messageType\":\"ADD_CONTACT\"}");
        mutations.put("wrapped in an array", t -> "[" + t + "]");
        mutations.put("string of the object", t -> str(t));
        mutations.put("empty", t -> "");
        mutations.put("whitespace", t -> "   ");
        mutations.put("null", t -> "null");
        mutations.put("empty object", t -> "{}");
        mutations.put("a number", t -> "42");
        mutations.put("deeply nested arrays", t -> "[".repeat(5000) + "]".repeat(5000));
        mutations.put("XML", t -> "<message to='corpus-b'><body>x</body></message>");
        mutations.forEach((name, mutation) -> {
            String marker = markers.next();
            String text = mutation.apply(frame(TO, marker + " malformed", marker));
            frames(name + " JSON", marker, socket -> socket.sendText(text), Expect.REFUSED);
        });
    }

    private void wrongTypes() {
        for (String field : List.of("to", "content", "messageType", "clientMessageId")) {
            for (String value : List.of("123", "true", "[]", "{}", "-1.5", "null")) {
                Expect expect = field.equals("clientMessageId") && value.equals("null") ? Expect.ACCEPTED : Expect.REFUSED;
                String marker = markers.next();
                Map<String, String> fields = new LinkedHashMap<>();
                fields.put("messageType", str("NEW_MESSAGE"));
                fields.put("to", str(TO));
                fields.put("content", str(marker + " wrong type"));
                fields.put("clientMessageId", str(marker));
                fields.put(field, value);
                String text = obj(fields);
                frames(field + " = " + value, marker, socket -> socket.sendText(text), expect);
            }
        }
    }

    private void characters() {
        for (int cp : List.of(0x00, 0x01, 0x08, 0x0B, 0x0C, 0x1F, 0xFFFE, 0xFFFF, 0xD800, 0xDFFF,
                0x09, 0x0A, 0x7F, 0x2028, 0xFDD0)) {
            String marker = markers.next();
            String content = marker + " [" + new String(Character.toChars(cp)) + "]";
            boolean valid = Oracle.validText(content);
            String text = frame(literalRecipient, content, marker);
            frames(String.format("content with U+%04X", cp), marker, socket -> socket.sendText(text),
                    valid ? Expect.ACCEPTED : Expect.REFUSED,
                    valid ? new Literal(literalRecipient, USER, content) : null);
        }
        List<String> oddIds = List.of("a\u0000b", "a\u007fb", "a\u00a0b", "a\u200bb", "\ufeffab", "smile\ud83d\ude00",
                "abc\u05d0", "x".repeat(256), "", " ", "a\tb", "\uff41\uff42");
        for (String id : oddIds) {
            String marker = markers.next();
            String text = frame(id, marker + " odd to", marker);
            frames("to " + RestCorpus.abbreviate(str(id)), marker, socket -> socket.sendText(text),
                    Oracle.validUser(id) ? Expect.ACCEPTED : Expect.REFUSED);
        }
        for (String payload : Injections.TEXTS) {
            String marker = markers.next();
            String content = payload + " " + marker;
            String text = frame(literalRecipient, content, marker);
            frames("injection in the content " + RestCorpus.abbreviate(str(payload)), marker,
                    socket -> socket.sendText(text), Expect.ACCEPTED, new Literal(literalRecipient, USER, content));
        }
        for (String id : Injections.IDS) {
            String marker = markers.next();
            String text = frame(id, marker + " to an odd id", marker);
            frames("injection in to " + RestCorpus.abbreviate(str(id)), marker, socket -> socket.sendText(text),
                    Oracle.validUser(id) ? Expect.ACCEPTED : Expect.REFUSED);
        }
        String marker = markers.next();
        String other = obj("messageType", str("NEW_MESSAGE"), "from", str("corpus-a"), "to", str(TO),
                "content", str(marker + " as someone else"), "clientMessageId", str(marker));
        frames("from another user", marker, socket -> socket.sendText(other), Expect.REFUSED);
        marker = markers.next();
        String self = obj("messageType", str("NEW_MESSAGE"), "from", str("CORPUS-WS"), "to", str(TO),
                "content", str(marker + " from myself, upper case"), "clientMessageId", str(marker));
        frames("from myself in upper case", marker, socket -> socket.sendText(self), Expect.ACCEPTED);
        for (String type : List.of("ADD_CONTACT", "UNSUBSCRIBE", "GET_HISTORY")) {
            for (String id : List.of("a\u0000b", USER)) {
                String m = markers.next();
                String text = obj("messageType", str(type), "to", str(id));
                // one's own history is a fair question; a contact list with oneself on it is not
                frames(type + " with to " + str(id), m, socket -> socket.sendText(text),
                        type.equals("GET_HISTORY") && id.equals(USER) ? Expect.EITHER : Expect.REFUSED);
            }
        }
    }

    private void oversize() {
        String marker = markers.next();
        String limit = marker + " " + "w".repeat(65536 - marker.length() - 1);
        String exact = frame(TO, limit, marker);
        frames("content of exactly 64 KiB", marker, socket -> socket.sendText(exact), Expect.ACCEPTED);
        marker = markers.next();
        String over = frame(TO, limit + "w", marker);
        frames("content of 64 KiB + 1 byte", marker, socket -> socket.sendText(over), Expect.REFUSED);
        marker = markers.next();
        String big = frame(TO, marker + " " + "b".repeat(300_000), marker);
        frames("a frame of 300 KB", marker, socket -> socket.sendText(big), Expect.REFUSED);
        marker = markers.next();
        byte[] fragmented = frame(TO, marker + " " + "f".repeat(300_000), marker).getBytes(StandardCharsets.UTF_8);
        frames("a frame of 300 KB in 10 fragments", marker, socket -> {
            int part = fragmented.length / 10 + 1;
            for (int i = 0, at = 0; at < fragmented.length; i++, at += part) {
                byte[] piece = java.util.Arrays.copyOfRange(fragmented, at, Math.min(fragmented.length, at + part));
                socket.sendFrame(at + part >= fragmented.length, i == 0 ? RawWebSocket.TEXT : RawWebSocket.CONTINUATION,
                        piece, true);
            }
        }, Expect.REFUSED);
        marker = markers.next();
        String tenParts = frame(TO, marker + " in three fragments", marker);
        frames("a valid frame in three fragments", marker, socket -> {
            byte[] bytes = tenParts.getBytes(StandardCharsets.UTF_8);
            int third = bytes.length / 3;
            socket.sendFrame(false, RawWebSocket.TEXT, java.util.Arrays.copyOfRange(bytes, 0, third), true);
            socket.sendFrame(false, RawWebSocket.CONTINUATION, java.util.Arrays.copyOfRange(bytes, third, 2 * third), true);
            socket.sendFrame(true, RawWebSocket.CONTINUATION, java.util.Arrays.copyOfRange(bytes, 2 * third, bytes.length), true);
        }, Expect.ACCEPTED);
    }

    /** Frames that break RFC 6455 itself: the answer is a close with a protocol status, or an ERROR frame. */
    private void protocol() {
        String marker = markers.next();
        byte[] valid = frame(TO, marker + " binary", marker).getBytes(StandardCharsets.UTF_8);
        frames("a binary frame", marker, socket -> socket.sendFrame(true, RawWebSocket.BINARY, valid, true), Expect.REFUSED);
        Map<String, byte[]> invalid = new LinkedHashMap<>();
        invalid.put("FF", new byte[] {(byte) 0xFF});
        invalid.put("overlong C0 80", new byte[] {(byte) 0xC0, (byte) 0x80});
        invalid.put("encoded surrogate ED A0 80", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});
        invalid.put("lone continuation 80", new byte[] {(byte) 0x80});
        invalid.put("beyond U+10FFFF F4 90 80 80", new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80});
        invalid.forEach((name, sequence) -> {
            String m = markers.next();
            String text = frame(TO, m + " HERE", m);
            int at = text.indexOf(" HERE") + 5;
            byte[] payload = RawHttp.concat(text.substring(0, at).getBytes(StandardCharsets.UTF_8), sequence,
                    text.substring(at).getBytes(StandardCharsets.UTF_8));
            frames("invalid UTF-8 (" + name + ") in a text frame", m,
                    socket -> socket.sendFrame(true, RawWebSocket.TEXT, payload, true), Expect.REFUSED);
        });
        String m1 = markers.next();
        byte[] unmasked = frame(TO, m1 + " unmasked", m1).getBytes(StandardCharsets.UTF_8);
        frames("an unmasked frame", m1, socket -> socket.sendFrame(true, RawWebSocket.TEXT, unmasked, false), Expect.REFUSED);
        frames("reserved opcode 3", markers.next(), socket -> socket.sendFrame(true, 0x3, bytes("x"), true), Expect.REFUSED);
        frames("reserved control opcode B", markers.next(), socket -> socket.sendFrame(true, 0xB, bytes("x"), true),
                Expect.REFUSED);
        frames("RSV1 set without an extension", markers.next(),
                socket -> socket.sendRaw(RawWebSocket.frame(true, 4, RawWebSocket.TEXT, bytes("{}"), true)), Expect.REFUSED);
        frames("a continuation with nothing to continue", markers.next(),
                socket -> socket.sendFrame(true, RawWebSocket.CONTINUATION, bytes("{}"), true), Expect.REFUSED);
        frames("a ping of 126 bytes", markers.next(),
                socket -> socket.sendFrame(true, RawWebSocket.PING, new byte[126], true), Expect.REFUSED);
        frames("a fragmented ping", markers.next(),
                socket -> socket.sendFrame(false, RawWebSocket.PING, bytes("p"), true), Expect.REFUSED);
        frames("a close with status 999", markers.next(),
                socket -> socket.sendFrame(true, RawWebSocket.CLOSE, new byte[] {0x03, (byte) 0xE7}, true), Expect.REFUSED);
        frames("a new text frame inside a fragmented one", markers.next(), socket -> {
            socket.sendFrame(false, RawWebSocket.TEXT, bytes("{\"messageType\":"), true);
            socket.sendFrame(true, RawWebSocket.TEXT, bytes("\"GET_CONTACTS\"}"), true);
        }, Expect.REFUSED);
        frames("64 random bytes", markers.next(), socket -> {
            byte[] garbage = new byte[64];
            new java.util.Random(7).nextBytes(garbage);
            garbage[0] = (byte) 0x8F;   // FIN and a reserved opcode, so that it is garbage at once
            socket.sendRaw(garbage);
        }, Expect.REFUSED);
        frames("a length of 2^63 - 1", markers.next(), socket -> socket.sendRaw(new byte[] {(byte) 0x81, (byte) 0xFF,
                0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                1, 2, 3, 4}), Expect.REFUSED);   // then nothing: the server's idle timeout closes it
    }

    private void messageTypes() {
        for (String type : List.of("HACK", "new_message", "NEW_MESSAGE ", "", "ERROR", "JOIN_SUCCESS", "FORBIDDEN",
                "DELIVERY_STATUS", "HISTORY", "LEAVE", "<NEW_MESSAGE/>")) {
            String marker = markers.next();
            String text = obj("messageType", str(type), "to", str(TO), "content", str(marker + " type"),
                    "clientMessageId", str(marker));
            frames("messageType " + str(type), marker, socket -> socket.sendText(text), Expect.REFUSED);
        }
        String marker = markers.next();
        String text = obj("to", str(TO), "content", str(marker + " no type"));
        frames("without a messageType", marker, socket -> socket.sendText(text), Expect.REFUSED);
    }

    private void handshakes() {
        handshake("without a token", "/ws/chat", Map.of(), false);
        handshake("with an unknown token", "/ws/chat?token=garbage", Map.of(), false);
        handshake("with an empty token", "/ws/chat?token=", Map.of(), false);
        handshake("with a token used before", "/ws/chat?token={token}", Map.of(), true);
        handshake("with an encoded NUL token", "/ws/chat?token=%00", Map.of(), false);
        handshake("with markup for a token", "/ws/chat?token=%3Cscript%3E", Map.of(), false);
        handshake("with a 20 KB token", "/ws/chat?token=" + "t".repeat(20_000), Map.of(), false);
        handshake("from another site's page", "/ws/chat?token={token}", Map.of("Origin", "http://evil.example"), false);
        handshake("from an opaque origin", "/ws/chat?token={token}", Map.of("Origin", "null"), false);
        handshake("at a path that does not exist", "/ws/chat/more?token={token}", Map.of(), false);
        handshake("at seed 003's password path (off)", "/chat/" + USER + "/secret", Map.of(), false);
        handshake("with WebSocket version 8", "/ws/chat?token={token}", Map.of("Sec-WebSocket-Version", "8"), false);
    }

    private void frames(String name, String marker, WsCase.Frames frames, Expect expect) {
        frames(name, marker, frames, expect, null);
    }

    private void frames(String name, String marker, WsCase.Frames frames, Expect expect, Literal literal) {
        cases.add(new WsCase(name, marker, null, frames, expect, literal, null));
    }

    private void handshake(String name, String target, Map<String, String> headers, boolean reuse) {
        cases.add(new WsCase("handshake " + name, markers.next(), new WsCase.Handshake(target, headers, reuse), null,
                Expect.REFUSED, null, null));
    }

    /** Marks the case added last as showing a known issue. */
    private void knownIssue(String issue) {
        WsCase c = cases.removeLast();
        cases.add(new WsCase(c.name(), c.marker(), c.handshake(), c.frames(), c.expect(), c.literal(), issue));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
