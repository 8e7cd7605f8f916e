package io.chatpipe.reliability.corpus;

import static io.chatpipe.reliability.corpus.Json.obj;
import static io.chatpipe.reliability.corpus.Json.str;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The REST half of the bad-input corpus, generated: every mutation applied to every endpoint it fits.
 * Names say what each case is, so that a failure needs no decoding.
 */
final class RestCorpus {

    static final String SENDER = "corpus-a";
    static final String RECIPIENT = "corpus-b";
    static final String SINGLE = "/api/v1/messages";
    static final String SEED_SINGLE = "/api/v1/message";
    static final String BATCH = "/api/v1/messages/batch";
    static final String SESSIONS = "/api/v1/sessions";

    private final Markers markers;
    private final String authorization;
    /** The online recipient of accepted cases whose text the XMPP client must show as sent. */
    private final String literalRecipient;
    private final List<RestCase> cases = new ArrayList<>();

    RestCorpus(Markers markers, String authorization, String literalRecipient) {
        this.markers = markers;
        this.authorization = authorization;
        this.literalRecipient = literalRecipient;
    }

    List<RestCase> generate() {
        malformedJson();
        wrongTypes();
        missingAndBlankFields();
        controlCharacters();
        invalidUtf8();
        oversize();
        batches();
        headersAndMethods();
        sessions();
        historyQueries();
        return Collections.unmodifiableList(cases);
    }

    // -------------------------------------------------------------------------------------------------
    // bodies that are not JSON, or not the JSON asked for
    // -------------------------------------------------------------------------------------------------

    private void malformedJson() {
        Map<String, Function<String, String>> mutations = new LinkedHashMap<>();
        mutations.put("cut at a quarter", t -> t.substring(0, t.length() / 4));
        mutations.put("cut in half", t -> t.substring(0, t.length() / 2));
        mutations.put("cut at three quarters", t -> t.substring(0, 3 * t.length() / 4));
        mutations.put("closing brace missing", t -> t.substring(0, t.length() - 1));
        mutations.put("opening brace missing", t -> t.substring(1));
        mutations.put("a quote missing", t -> t.replaceFirst("\"", ""));
        mutations.put("value quote missing", t -> t.replace(":\"" + SENDER, ":" + SENDER));
        mutations.put("trailing comma", t -> t.substring(0, t.length() - 1) + ",}");
        mutations.put("single quotes", t -> t.replace('"', '\''));
        mutations.put("unquoted keys", t -> t.replace("\"fromId\"", "fromId").replace("\"toId\"", "toId"));
        mutations.put("garbage after the object", t -> t + " trailing garbage");
        mutations.put("two objects", t -> t + t);
        mutations.put("block comment", t -> "/* comment */" + t);
        mutations.put("line comment", t -> "// comment\n" + t);
        mutations.put("NaN value", t -> t.replaceFirst("\"message\":\"[^\"]*\"", "\"message\":NaN"));
        mutations.put("Infinity value", t -> t.replaceFirst("\"toId\":\"[^\"]*\"", "\"toId\":-Infinity"));
        mutations.put("missing colon", t -> t.replace("\"toId\":", "\"toId\" "));
        mutations.put("missing comma", t -> t.replaceFirst(",", " "));
        mutations.put("number as a key", t -> "{1:" + t.substring(1));
        mutations.put("bad escape", t -> t.replaceFirst("\"message\":\"", "\"message\":\"\\\\x41"));
        mutations.put("short unicode escape", t -> t.replaceFirst("\"message\":\"", "\"message\":\"\\\\u12"));
        mutations.put("raw control byte in a string", t -> t.replaceFirst("\"message\":\"", "\"message\":\"\u0001"));
        mutations.put("raw newline in a string", t -> t.replaceFirst("\"message\":\"", "\"message\":\"line\nbreak "));
        mutations.put("duplicate key", t -> t.substring(0, t.length() - 1) + ",\"fromId\":\"mallory\"}");
        mutations.put("wrapped in an array", t -> "[" + t + "]");
        mutations.put("string of the object", t -> str(t));
        mutations.put("an XML body", t -> "<message><fromId>" + SENDER + "</fromId></message>");
        mutations.put("a form body", t -> "fromId=" + SENDER + "&toId=" + RECIPIENT + "&message=x");
        mutations.put("empty", t -> "");
        mutations.put("whitespace only", t -> " \r\n\t ");
        mutations.put("null", t -> "null");
        mutations.put("empty object", t -> "{}");
        mutations.put("empty array", t -> "[]");
        mutations.put("a number", t -> "12345");
        mutations.put("true", t -> "true");
        mutations.put("deeply nested arrays", t -> "[".repeat(5000) + "]".repeat(5000));
        mutations.put("deeply nested objects", t -> "{\"a\":".repeat(3000) + "1" + "}".repeat(3000));
        mutations.put("huge exponent", t -> t.replaceFirst("\"toId\":\"[^\"]*\"", "\"toId\":1e999999999"));
        mutations.put("100,000-digit number", t -> t.replaceFirst("\"toId\":\"[^\"]*\"", "\"toId\":" + "9".repeat(100_000)));
        mutations.put("NUL byte before the object", t -> "\u0000" + t);

        for (String path : List.of(SINGLE, SEED_SINGLE)) {
            mutations.forEach((name, mutation) -> {
                String marker = markers.next();
                String valid = obj(Json.message(SENDER, RECIPIENT, marker + " malformed", marker));
                add(name + " JSON to " + path, marker, "POST", path, json(), bytes(mutation.apply(valid)),
                        Expect.REFUSED);
            });
        }
        mutations.forEach((name, mutation) -> {
            String marker = markers.next();
            String item = obj(Json.message(SENDER, RECIPIENT, marker + " malformed", marker));
            batch(name + " JSON as a batch item", marker, List.of(mutation.apply(item)), List.of(Expect.REFUSED));
        });
        // a byte order mark is allowed to be ignored (RFC 8259), so either answer is fine; never a 5xx
        String marker = markers.next();
        add("byte order mark before the JSON", marker, "POST", SINGLE, json(), RawHttp.concat(
                new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                bytes(obj(Json.message(SENDER, RECIPIENT, marker + " bom", marker)))), Expect.EITHER);
        marker = markers.next();
        Map<String, String> unknown = Json.message(SENDER, RECIPIENT, marker + " unknown field", marker);
        unknown.put("admin", "true");
        unknown.put("conversationId", str("mallory:victim"));
        add("unknown fields", marker, "POST", SINGLE, json(), bytes(obj(unknown)), Expect.EITHER);
    }

    private void wrongTypes() {
        List<String> wrongValues = List.of("123", "-1.5", "true", "false", "[]", "[\"a\"]", "{}",
                "{\"$ne\":null}", "null");
        for (String field : List.of("fromId", "toId", "message", "clientMessageId")) {
            for (String value : wrongValues) {
                // clientMessageId is optional: null is its absence
                Expect expect = field.equals("clientMessageId") && value.equals("null") ? Expect.ACCEPTED
                        : Expect.REFUSED;
                for (String path : List.of(SINGLE, SEED_SINGLE)) {
                    String marker = markers.next();
                    Map<String, String> body = Json.message(SENDER, RECIPIENT, marker + " wrong type", marker);
                    body.put(field, value);
                    add(field + " = " + value + " to " + path, marker, "POST", path, json(), bytes(obj(body)), expect);
                }
                String marker = markers.next();
                Map<String, String> item = Json.message(SENDER, RECIPIENT, marker + " wrong type", marker);
                item.put(field, value);
                batch(field + " = " + value + " in a batch item", marker, List.of(obj(item)), List.of(expect));
            }
        }
    }

    private void missingAndBlankFields() {
        List<String> fields = List.of("fromId", "toId", "message");
        for (int mask = 1; mask < 8; mask++) {
            String marker = markers.next();
            Map<String, String> body = Json.message(SENDER, RECIPIENT, marker + " missing", marker);
            List<String> missing = new ArrayList<>();
            for (int f = 0; f < 3; f++) {
                if ((mask & (1 << f)) != 0) {
                    body.remove(fields.get(f));
                    missing.add(fields.get(f));
                }
            }
            add("without " + String.join(" and ", missing), marker, "POST", SINGLE, json(), bytes(obj(body)),
                    Expect.REFUSED);
        }
        for (String field : fields) {
            for (String blank : List.of("", " ", "\t", "\n\r", "   \t  ")) {
                String marker = markers.next();
                Map<String, String> body = Json.message(SENDER, RECIPIENT, marker + " blank", marker);
                body.put(field, str(blank));
                add(field + " blank " + str(blank), marker, "POST", SINGLE, json(), bytes(obj(body)), Expect.REFUSED);
            }
        }
        for (String blank : List.of("", " ", "\t")) {
            String marker = markers.next();
            Map<String, String> body = Json.message(SENDER, RECIPIENT, marker + " blank client id", null);
            body.put("clientMessageId", str(blank));
            add("clientMessageId blank " + str(blank), marker, "POST", SINGLE, json(), bytes(obj(body)), Expect.REFUSED);
        }
    }

    // -------------------------------------------------------------------------------------------------
    // characters
    // -------------------------------------------------------------------------------------------------

    private void controlCharacters() {
        List<Integer> textCodePoints = new ArrayList<>();
        for (int cp = 0; cp < 0x20; cp++) {
            textCodePoints.add(cp);
        }
        textCodePoints.addAll(List.of(0x7F, 0x85, 0x9F, 0x200B, 0x2028, 0xFEFF, 0xFFFE, 0xFFFF, 0xD800, 0xDBFF,
                0xDC00, 0xDFFF, 0xFDD0, 0xE000));
        for (int cp : textCodePoints) {
            String marker = markers.next();
            String text = marker + " [" + new String(Character.toChars(cp)) + "] control";
            boolean valid = Oracle.validText(text);
            add(String.format("message with U+%04X", cp), marker, "POST", SINGLE, json(),
                    bytes(obj(Json.message(SENDER, literalRecipient, text, marker))),
                    valid ? Expect.ACCEPTED : Expect.REFUSED, valid ? literal(SENDER, text) : null);
        }
        // a lone surrogate at the very end, and a reversed pair
        for (String odd : List.of("\uD83D", "\uDE00\uD83D", "\uD83D\uDE00")) {
            String marker = markers.next();
            String text = marker + " surrogates " + odd;
            boolean valid = Oracle.validText(text);
            add("message with the UTF-16 units " + str(odd), marker, "POST", SINGLE, json(),
                    bytes(obj(Json.message(SENDER, literalRecipient, text, marker))),
                    valid ? Expect.ACCEPTED : Expect.REFUSED, valid ? literal(SENDER, text) : null);
        }
        List<String> oddIds = List.of("a\u0000b", "a\u0007b", "a\u001fb", "a\u007fb", "a\u0085b", "a\u00a0b",
                "a\u200bb", "a\u2028b", "\ufeffab", "a\ue000b", "a\ud800b", "smile\ud83d\ude00", "abc\u05d0",
                "\u0301ab", "\uff41\uff42\uff43", "a\tb", "a\nb", "a b", " ab", "ab ", "x".repeat(256),
                "x".repeat(255), "Stra\u00dfe", "\u0130stanbul");
        for (String field : List.of("fromId", "toId")) {
            for (String id : oddIds) {
                String marker = markers.next();
                Map<String, String> body = Json.message(SENDER, RECIPIENT, marker + " odd id", marker);
                body.put(field, str(id));
                add(field + " " + abbreviate(str(id)), marker, "POST", SINGLE, json(), bytes(obj(body)),
                        Oracle.validUser(id) ? Expect.ACCEPTED : Expect.REFUSED);
            }
        }
        for (String id : List.of("a\u0000", "a\u001f", "a\u007f", "a\u0085", "x".repeat(129), "a\ud800")) {
            String marker = markers.next();
            Map<String, String> body = Json.message(SENDER, RECIPIENT, marker + " odd client id", null);
            body.put("clientMessageId", str(id));
            add("clientMessageId " + abbreviate(str(id)), marker, "POST", SINGLE, json(), bytes(obj(body)),
                    Expect.REFUSED);
        }
        injections();
    }

    /** Markup and stanza injection in the text and the ids: valid text, carried literally, never interpreted. */
    private void injections() {
        for (String payload : Injections.TEXTS) {
            String marker = markers.next();
            String text = payload + " " + marker;
            add("injection in the text " + abbreviate(str(payload)), marker, "POST", SINGLE, json(),
                    bytes(obj(Json.message(SENDER, literalRecipient, text, marker))), Expect.ACCEPTED,
                    literal(SENDER, text));
            String batchMarker = markers.next();
            String batchText = payload + " " + batchMarker;
            batch("injection in a batch item's text " + abbreviate(str(payload)), batchMarker,
                    List.of(obj(Json.message(SENDER, literalRecipient, batchText, batchMarker))),
                    List.of(Expect.ACCEPTED), literal(SENDER, batchText));
        }
        for (String id : Injections.IDS) {
            boolean valid = Oracle.validUser(id);
            String marker = markers.next();
            String text = "from an odd sender " + marker;
            add("injection in fromId " + abbreviate(str(id)), marker, "POST", SINGLE, json(),
                    bytes(obj(Json.message(id, literalRecipient, text, marker))),
                    valid ? Expect.ACCEPTED : Expect.REFUSED, valid ? new Literal(literalRecipient, id, text) : null);
            marker = markers.next();
            text = "to an odd recipient " + marker;
            // the recipient's client is logged in under the id's escaped JID by the test
            add("injection in toId " + abbreviate(str(id)), marker, "POST", SINGLE, json(),
                    bytes(obj(Json.message(SENDER, id, text, marker))),
                    valid ? Expect.ACCEPTED : Expect.REFUSED, valid ? new Literal(id, SENDER, text) : null);
        }
    }

    /** Bytes that are not UTF-8, in a value, in a key, in an id. */
    private void invalidUtf8() {
        Map<String, byte[]> sequences = new LinkedHashMap<>();
        sequences.put("overlong NUL C0 80", new byte[] {(byte) 0xC0, (byte) 0x80});
        sequences.put("overlong slash C0 AF", new byte[] {(byte) 0xC0, (byte) 0xAF});
        sequences.put("C1 BF", new byte[] {(byte) 0xC1, (byte) 0xBF});
        sequences.put("FF", new byte[] {(byte) 0xFF});
        sequences.put("FE", new byte[] {(byte) 0xFE});
        sequences.put("lone continuation 80", new byte[] {(byte) 0x80});
        sequences.put("lone continuation BF", new byte[] {(byte) 0xBF});
        sequences.put("truncated E2 82", new byte[] {(byte) 0xE2, (byte) 0x82});
        sequences.put("encoded surrogate ED A0 80", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});
        sequences.put("beyond U+10FFFF F4 90 80 80", new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80});
        sequences.put("five bytes F8 88 80 80 80", new byte[] {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80});
        sequences.put("overlong E0 80 80", new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0x80});
        sequences.put("truncated F0 9F 98", new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0x98});
        sequences.put("latin-1 e9", new byte[] {(byte) 0xE9});
        for (var sequence : sequences.entrySet()) {
            for (String where : List.of("message", "fromId", "toId", "a key")) {
                String marker = markers.next();
                String template = obj(Json.message(SENDER, RECIPIENT, marker + " HERE", marker));
                String placeholder = switch (where) {
                    case "message" -> " HERE";
                    case "fromId" -> SENDER;
                    case "toId" -> RECIPIENT;
                    default -> "fromId";
                };
                int at = template.indexOf(placeholder) + placeholder.length();
                byte[] body = RawHttp.concat(bytes(template.substring(0, at)), sequence.getValue(),
                        bytes(template.substring(at)));
                add("invalid UTF-8 (" + sequence.getKey() + ") in " + where, marker, "POST", SINGLE, json(), body,
                        Expect.REFUSED);
            }
        }
        String marker = markers.next();
        add("body declared ISO-8859-1 with a latin-1 byte", marker, "POST", SINGLE,
                Map.of("Content-Type", "application/json; charset=ISO-8859-1", "Authorization", authorization),
                RawHttp.concat(bytes("{\"fromId\":\"" + SENDER + "\",\"toId\":\"" + RECIPIENT
                        + "\",\"clientMessageId\":\"" + marker + "\",\"message\":\"" + marker + " caf"),
                        new byte[] {(byte) 0xE9}, bytes("\"}")), Expect.EITHER);
    }

    private void oversize() {
        String marker = markers.next();
        String limit = marker + " " + "x".repeat(65536 - marker.length() - 1);
        add("message of exactly 64 KiB", marker, "POST", SINGLE, json(),
                bytes(obj(Json.message(SENDER, RECIPIENT, limit, marker))), Expect.ACCEPTED);
        marker = markers.next();
        add("message of 64 KiB + 1 byte", marker, "POST", SINGLE, json(),
                bytes(obj(Json.message(SENDER, RECIPIENT, limit + "x", marker))), Expect.REFUSED);
        marker = markers.next();
        add("message of 21,846 euro signs (65,538 bytes)", marker, "POST", SINGLE, json(),
                bytes(obj(Json.message(SENDER, RECIPIENT, marker + "\u20ac".repeat(21_846), marker)).replace(
                        "\\u20ac", "\u20ac")), Expect.REFUSED);
        marker = markers.next();
        add("message of 900 KB", marker, "POST", SINGLE, json(),
                bytes(obj(Json.message(SENDER, RECIPIENT, marker + "y".repeat(900_000), marker))), Expect.REFUSED);
        marker = markers.next();
        add("body of 1 MB + 1 byte, with its length", marker, "POST", SINGLE, json(),
                bytes(padded(obj(Json.message(SENDER, RECIPIENT, marker + " big body", marker)), 1024 * 1024 + 1)),
                Expect.REFUSED);
        marker = markers.next();
        add("body of 1.5 MB to the batch", marker, "POST", BATCH, json(),
                bytes("{\"messages\":[" + obj(Json.message(SENDER, RECIPIENT, marker + "z".repeat(1_500_000), marker))
                        + "]}"), Expect.REFUSED);
        marker = markers.next();
        byte[] huge = bytes(padded(obj(Json.message(SENDER, RECIPIENT, marker + " streamed", marker)), 3 * 1024 * 1024));
        add("body of 3 MB streamed in chunks, without a length", marker, "POST", SINGLE,
                Map.of("Content-Type", "application/json", "Authorization", authorization, "Transfer-Encoding", "chunked"),
                chunked(huge, 32 * 1024), Expect.REFUSED);
        marker = markers.next();
        add("a lying length: 10 declared, the whole body sent", marker, "POST", SINGLE,
                Map.of("Content-Type", "application/json", "Authorization", authorization, "Content-Length", "10"),
                bytes(obj(Json.message(SENDER, RECIPIENT, marker + " lying", marker))), Expect.REFUSED);
        add("a negative length", markers.next(), "POST", SINGLE,
                Map.of("Content-Type", "application/json", "Authorization", authorization, "Content-Length", "-5"),
                bytes("{}"), Expect.REFUSED);
        add("a length of 2^64", markers.next(), "POST", SINGLE,
                Map.of("Content-Type", "application/json", "Authorization", authorization,
                        "Content-Length", "18446744073709551616"), bytes("{}"), Expect.REFUSED);
        add("both a length and chunked (request smuggling)", markers.next(), "POST", SINGLE,
                Map.of("Content-Type", "application/json", "Authorization", authorization, "Content-Length", "4",
                        "Transfer-Encoding", "chunked"), bytes("0\r\n\r\n"), Expect.REFUSED);
        add("a 20 KB header", markers.next(), "POST", SINGLE,
                Map.of("Content-Type", "application/json", "Authorization", authorization, "X-Padding", "p".repeat(20_000)),
                bytes("{}"), Expect.REFUSED);
        add("a 20 KB path", markers.next(), "POST", SINGLE + "/" + "p".repeat(20_000), json(), bytes("{}"),
                Expect.REFUSED);
    }

    private void batches() {
        batchRaw("a batch without messages", "{}", Expect.REFUSED);
        batchRaw("a batch with messages null", "{\"messages\":null}", Expect.REFUSED);
        batchRaw("a batch with no messages", "{\"messages\":[]}", Expect.REFUSED);
        batchRaw("a batch whose messages are an object", "{\"messages\":{}}", Expect.REFUSED);
        batchRaw("a batch whose messages are a string", "{\"messages\":\"all\"}", Expect.REFUSED);
        batchRaw("a batch that is an array", "[" + obj(Json.message(SENDER, RECIPIENT, "x", null)) + "]", Expect.REFUSED);
        for (int size : List.of(1001, 5000)) {
            String marker = markers.next();
            List<String> items = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                items.add(obj(Json.message(SENDER, RECIPIENT, marker + "i" + i, marker + "i" + i)));
            }
            add("a batch of " + size + " messages", marker, "POST", BATCH, json(),
                    bytes("{\"messages\":[" + String.join(",", items) + "]}"), Expect.REFUSED);
        }
        // one bad item among good ones: the good ones are stored, the bad one refused alone
        String marker = markers.next();
        List<String> items = List.of(
                obj(Json.message(SENDER, RECIPIENT, marker + "i0 good", marker + "i0")),
                obj(Json.message(SENDER, "bad\u0000id", marker + "i1 bad", marker + "i1")),
                "\"not an object\"",
                "null",
                "[]",
                obj(Json.message(SENDER, RECIPIENT, marker + "i5 good", marker + "i5")));
        batch("good and bad items mixed", marker, items, List.of(Expect.ACCEPTED, Expect.REFUSED, Expect.REFUSED,
                Expect.REFUSED, Expect.REFUSED, Expect.ACCEPTED));
        marker = markers.next();
        batch("one client message id twice in a batch, with different texts", marker, List.of(
                obj(Json.message(SENDER, RECIPIENT, marker + "i0 first", marker)),
                obj(Json.message(SENDER, RECIPIENT, marker + "i1 second", marker))),
                List.of(Expect.ACCEPTED, Expect.REFUSED));
    }

    private void headersAndMethods() {
        Map<String, String> contentTypes = new LinkedHashMap<>();
        contentTypes.put("Content-Type text/plain", "text/plain");
        contentTypes.put("no Content-Type", null);
        contentTypes.put("Content-Type application/xml", "application/xml");
        contentTypes.put("Content-Type multipart/form-data", "multipart/form-data; boundary=x");
        contentTypes.put("Content-Type garbage", "}{;;==");
        contentTypes.forEach((name, type) -> {
            String marker = markers.next();
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Authorization", authorization);
            if (type != null) {
                headers.put("Content-Type", type);
            }
            add(name, marker, "POST", SINGLE, headers,
                    bytes(obj(Json.message(SENDER, RECIPIENT, marker + " content type", marker))), Expect.REFUSED);
        });
        // the message must not be stored when the answer is a 406: a refusal is a refusal
        String accept = markers.next();
        add("Accept application/xml only", accept, "POST", SINGLE,
                Map.of("Content-Type", "application/json", "Accept", "application/xml", "Authorization", authorization),
                bytes(obj(Json.message(SENDER, RECIPIENT, accept + " accept xml", accept))), Expect.REFUSED);
        for (String method : List.of("GET", "PUT", "DELETE", "PATCH", "TRACE")) {
            String marker = markers.next();
            add(method + " " + SINGLE, marker, method, SINGLE, json(), method.equals("GET") || method.equals("TRACE")
                    ? null : bytes(obj(Json.message(SENDER, RECIPIENT, marker + " " + method, marker))), Expect.REFUSED);
        }
        add("GET " + BATCH, markers.next(), "GET", BATCH, json(), null, Expect.REFUSED);
        add("an unknown method", markers.next(), "BREW", SINGLE, json(), bytes("{}"), Expect.REFUSED);
        add("a path that does not exist", markers.next(), "POST", "/api/v1/messagez", json(), bytes("{}"), Expect.REFUSED);
        add("a path with ..", markers.next(), "POST", "/api/v1/../v1/messages/../../actuator/env", json(), bytes("{}"),
                Expect.REFUSED);
        add("an encoded NUL in the path", markers.next(), "POST", "/api/v1/messages%00", json(), bytes("{}"), Expect.REFUSED);
        add("a request line of garbage", markers.next(), "\u0001\u0002", "x", Map.of(), null, Expect.REFUSED);

        String marker;
        // an empty header may count as none: either answer, but never a 5xx, and stored only on a 2xx
        for (String key : List.of("x".repeat(129), "", "a\u0080b")) {
            marker = markers.next();
            Map<String, String> headers = new LinkedHashMap<>(json());
            headers.put("Idempotency-Key", key);
            add("Idempotency-Key " + abbreviate(str(key)), marker, "POST", SINGLE, headers,
                    bytes(obj(Json.message(SENDER, RECIPIENT, marker + " idempotency", null))),
                    key.length() > 128 ? Expect.REFUSED : Expect.EITHER);
        }
        marker = markers.next();
        Map<String, String> differing = new LinkedHashMap<>(json());
        differing.put("Idempotency-Key", marker + "-header");
        add("Idempotency-Key differing from the body's clientMessageId", marker, "POST", SINGLE, differing,
                bytes(obj(Json.message(SENDER, RECIPIENT, marker + " differing", marker + "-body"))), Expect.REFUSED);

        Map<String, String> authorizations = new LinkedHashMap<>();
        authorizations.put("no Authorization", null);
        authorizations.put("Authorization empty", "");
        authorizations.put("Authorization Bearer without a key", "Bearer");
        authorizations.put("Authorization Bearer and a space", "Bearer ");
        authorizations.put("Authorization with a wrong key", "Bearer not-a-key");
        authorizations.put("Authorization with the key and more", authorization + "x");
        authorizations.put("Authorization with the key twice", authorization + " " + authorization.substring(7));
        authorizations.put("Authorization Basic", "Basic Y29ycHVzOnNlY3JldA==");
        authorizations.put("Authorization with the key's hash", "Bearer " + "0".repeat(64));
        authorizations.put("Authorization with markup", "Bearer <script>alert(1)</script>");
        authorizations.forEach((name, value) -> {
            String m = markers.next();
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", "application/json");
            if (value != null) {
                headers.put("Authorization", value);
            }
            add(name, m, "POST", SINGLE, headers, bytes(obj(Json.message(SENDER, RECIPIENT, m + " unauthenticated", m))),
                    Expect.REFUSED);
        });
    }

    private void sessions() {
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("login JSON cut in half", "{\"username\":\"corpus-login\",\"pass");
        bodies.put("login without a password", obj("username", str("corpus-login")));
        bodies.put("login without a username", obj("password", str("secret-1")));
        bodies.put("login with an empty password", obj("username", str("corpus-login"), "password", str("")));
        bodies.put("login with a 73-byte password", obj("username", str("corpus-login"), "password", str("p".repeat(73))));
        bodies.put("login with a password of 25 euro signs (75 bytes)", obj("username", str("corpus-login"),
                "password", str("\u20ac".repeat(25))));
        bodies.put("login with a number for a password", obj("username", str("corpus-login"), "password", "12345678"));
        bodies.put("login with an array for a username", obj("username", "[\"a\"]", "password", str("secret-1")));
        bodies.put("login as a NUL user", obj("username", str("a\u0000b"), "password", str("secret-1")));
        bodies.put("login as a full JID", obj("username", str("corpus\u0000@localhost/x"), "password", str("secret-1")));
        bodies.put("login as markup", obj("username", str("<script>"), "password", "null"));
        bodies.put("login as a blank user", obj("username", str("  "), "password", str("secret-1")));
        bodies.put("login with a 256-character user", obj("username", str("u".repeat(256)), "password", str("secret-1")));
        bodies.put("login with a duplicate key", "{\"username\":\"a\",\"username\":\"b\",\"password\":\"secret-1\"}");
        bodies.forEach((name, body) -> add(name, markers.next(), "POST", SESSIONS,
                Map.of("Content-Type", "application/json"), bytes(body), Expect.REFUSED));
        add("login with invalid UTF-8 in the password", markers.next(), "POST", SESSIONS,
                Map.of("Content-Type", "application/json"), RawHttp.concat(
                        bytes("{\"username\":\"corpus-login\",\"password\":\"ab"), new byte[] {(byte) 0xC0, (byte) 0x80},
                        bytes("\"}")), Expect.REFUSED);
    }

    // -------------------------------------------------------------------------------------------------
    // history-service's query API
    // -------------------------------------------------------------------------------------------------

    private void historyQueries() {
        List<String> badIds = List.of("%00", "%FF", "%C0%80", "a%2Fb", "..", "%2E%2E", "a%0Ab", "%F0%9F%98%80",
                "%E2%80%8B", "x".repeat(300), "%3Cmessage%20to%3D'x'%3E", "a%09b");
        String valid = "corpus-a";
        for (String id : badIds) {
            historyGet("conversation with " + abbreviate(id) + " first",
                    "/api/v1/conversations/" + id + "/" + valid + "/messages", expectForPathId(id));
            historyGet("conversation with " + abbreviate(id) + " second",
                    "/api/v1/conversations/" + valid + "/" + id + "/messages", expectForPathId(id));
            historyGet("inbox of " + abbreviate(id), "/api/v1/users/" + id + "/conversations", expectForPathId(id));
        }
        historyGet("a path 10,000 characters long", "/api/v1/conversations/" + "y".repeat(10_000) + "/a/messages",
                Expect.REFUSED);
        String conversation = "/api/v1/conversations/corpus-a/corpus-b/messages";
        List<String> badCursors = List.of("garbage", "", "%00", b64("v1:-5"), b64("v1:abc"), b64("v2:1"),
                b64("v1:99999999999999999999"), "====", "v1:1", b64("v1:1 "), "c".repeat(5000), "%FF%FE");
        for (String cursor : badCursors) {
            for (String param : List.of("before", "after")) {
                historyGet(param + "=" + abbreviate(cursor), conversation + "?" + param + "=" + cursor, Expect.REFUSED);
            }
        }
        historyGet("before and after both", conversation + "?before=" + b64("v1:5") + "&after=" + b64("v1:1"),
                Expect.REFUSED);
        historyGet("around and before both", conversation + "?around=" + UUID.randomUUID() + "&before=" + b64("v1:5"),
                Expect.REFUSED);
        historyGet("around not a UUID", conversation + "?around=not-a-uuid", Expect.REFUSED);
        historyGet("around a UUID not in the conversation", conversation + "?around=" + UUID.randomUUID(), Expect.REFUSED);
        historyGet("around an encoded NUL", conversation + "?around=%00", Expect.REFUSED);
        for (String limit : List.of("0", "-1", "201", "99999999999", "abc", "", "1.5", "%00", "2147483648", "0x10",
                "1e2", "%FF")) {
            historyGet("limit=" + limit, conversation + "?limit=" + limit, Expect.REFUSED);
        }
        historyGet("limit=+5 (a number)", conversation + "?limit=%2B5", Expect.EITHER);
        for (String id : List.of("not-a-uuid", "%00", "x".repeat(5000), "00000000-0000-0000-0000-00000000000g",
                UUID.randomUUID().toString())) {
            historyGet("message " + abbreviate(id), "/api/v1/messages/" + id, Expect.REFUSED);
        }
        for (String query : List.of("from=yesterday", "to=%00", "from=2026-13-45T99:99:99Z",
                "from=2030-01-01T00:00:00Z&to=2020-01-01T00:00:00Z", "user=a%00b", "from=" + "9".repeat(400))) {
            historyGet("audit " + abbreviate(query), "/api/v1/audit/messages?" + query, Expect.REFUSED);
        }
        String read = "/api/v1/conversations/corpus-a/corpus-b/read";
        for (var body : List.of("{", "[]", "{\"reader\":123}", "{\"messageId\":\"not-a-uuid\"}", "")) {
            cases.add(new RestCase("PUT read with " + abbreviate(body), markers.next(), true, "PUT", read,
                    Map.of("Content-Type", "application/json", "Authorization", authorization), bytes(body),
                    Expect.REFUSED, null, null, null));
        }
        cases.add(new RestCase("POST to a history query", markers.next(), true, "POST", conversation,
                Map.of("Content-Type", "application/json", "Authorization", authorization), bytes("{}"),
                Expect.REFUSED, null, null, null));
    }

    private static Expect expectForPathId(String encoded) {
        String decoded;
        try {
            decoded = java.net.URLDecoder.decode(encoded.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Expect.REFUSED;
        }
        // what decodes to a valid id is a valid (empty) query; the rest is refused; a slash is not a path part
        return !decoded.contains("/") && !decoded.contains("\uFFFD") && Oracle.validUser(decoded)
                ? Expect.EITHER : Expect.REFUSED;
    }

    /** With the corpus's key, so that each case reaches history's validation rather than its 401. */
    private void historyGet(String name, String path, Expect expect) {
        cases.add(new RestCase("history " + name, markers.next(), true, "GET", path,
                Map.of("Authorization", authorization), null, expect, null, null, null));
    }

    // -------------------------------------------------------------------------------------------------

    private void batch(String name, String marker, List<String> items, List<Expect> itemExpects) {
        batch(name, marker, items, itemExpects, null);
    }

    private void batch(String name, String marker, List<String> items, List<Expect> itemExpects, Literal literal) {
        boolean anyGood = itemExpects.contains(Expect.ACCEPTED);
        cases.add(new RestCase(name, marker, false, "POST", BATCH, json(),
                bytes("{\"messages\":[" + String.join(",", items) + "]}"),
                anyGood ? Expect.ACCEPTED : Expect.EITHER, itemExpects, literal, null));
    }

    private void batchRaw(String name, String body, Expect expect) {
        add(name, markers.next(), "POST", BATCH, json(), bytes(body), expect);
    }

    private void add(String name, String marker, String method, String path, Map<String, String> headers, byte[] body,
            Expect expect) {
        add(name, marker, method, path, headers, body, expect, null);
    }

    private void add(String name, String marker, String method, String path, Map<String, String> headers, byte[] body,
            Expect expect, Literal literal) {
        cases.add(new RestCase(name, marker, false, method, path, headers, body, expect, null, literal, null));
    }

    /** Marks the case added last as showing a known issue. */
    private void knownIssue(String issue) {
        cases.add(cases.removeLast().knownIssue(issue));
    }

    private Literal literal(String sender, String text) {
        return new Literal(literalRecipient, sender, text);
    }

    private Map<String, String> json() {
        return Map.of("Content-Type", "application/json", "Authorization", authorization);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String b64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** The object with a padding field that brings it to the given size. */
    private static String padded(String object, int size) {
        String start = object.substring(0, object.length() - 1) + ",\"padding\":\"";
        return start + "p".repeat(Math.max(0, size - start.length() - 2)) + "\"}";
    }

    private static byte[] chunked(byte[] body, int chunk) {
        var out = new java.io.ByteArrayOutputStream();
        for (int at = 0; at < body.length; at += chunk) {
            int n = Math.min(chunk, body.length - at);
            out.writeBytes(bytes(Integer.toHexString(n) + "\r\n"));
            out.write(body, at, n);
            out.writeBytes(bytes("\r\n"));
        }
        out.writeBytes(bytes("0\r\n\r\n"));
        return out.toByteArray();
    }

    static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "...(" + text.length() + " chars)" : text;
    }
}
