package io.chatpipe.reliability.corpus;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, so that a test can send what no well-behaved client would: invalid UTF-8,
 * lying lengths, half a body. The request is written by another thread while the answer is read, so that a
 * server that answers early (413 before the body is read) is heard.
 */
final class RawHttp {

    /**
     * What came back.
     *
     * @param status  0 when no status line came
     * @param failure what went wrong instead, or null
     */
    record Response(int status, Map<String, String> headers, String body, String failure) {

        boolean clientError() {
            return status >= 400 && status < 500;
        }

        boolean serverError() {
            return status >= 500;
        }

        @Override
        public String toString() {
            return status == 0 ? "no answer (" + failure + ")"
                    : status + " " + (body.length() > 400 ? body.substring(0, 400) + "..." : body);
        }
    }

    private RawHttp() {
    }

    /** A request with Host, Content-Length (unless a length or transfer encoding is given) and Connection: close. */
    static byte[] request(String method, String target, Map<String, String> headers, byte[] body) {
        var head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        head.append("Host: 127.0.0.1\r\n");
        boolean framed = headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase("Content-Length")
                || h.equalsIgnoreCase("Transfer-Encoding"));
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (!framed && body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        byte[] start = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        return body == null ? start : concat(start, body);
    }

    /** Sends the bytes and reads the answer until the server closes, or the timeout. */
    static Response exchange(int port, byte[] request, Duration timeout) {
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    for (int at = 0; at < request.length; at += 64 * 1024) {
                        out.write(request, at, Math.min(64 * 1024, request.length - at));
                    }
                    out.flush();
                } catch (IOException e) {
                    // the server stopped reading (it answered early, or closed): its answer is what counts
                }
            });
            Response response = read(socket.getInputStream(), timeout);
            writer.join(Duration.ofSeconds(5));
            return response;
        } catch (IOException e) {
            return new Response(0, Map.of(), "", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Response(0, Map.of(), "", "interrupted");
        }
    }

    /** Reads a whole answer (the server closes after it: Connection: close). */
    static Response read(InputStream in, Duration timeout) {
        var bytes = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + timeout.toNanos();
        String failure = null;
        byte[] buffer = new byte[16 * 1024];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                bytes.write(buffer, 0, n);
                if (System.nanoTime() > deadline) {
                    failure = "still reading after " + timeout;
                    break;
                }
                if (complete(bytes.toByteArray())) {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            failure = "no more bytes within " + timeout;
        } catch (IOException e) {
            failure = e.toString();
        }
        return parse(bytes.toByteArray(), failure);
    }

    /** A head and a body as long as Content-Length says, or a chunked body's last chunk. */
    private static boolean complete(byte[] bytes) {
        int end = indexOf(bytes, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 0);
        if (end < 0) {
            return false;
        }
        Map<String, String> headers = headers(new String(bytes, 0, end, StandardCharsets.ISO_8859_1));
        int bodyStart = end + 4;
        if (headers.containsKey("content-length")) {
            return bytes.length - bodyStart >= Long.parseLong(headers.get("content-length").strip());
        }
        if ("chunked".equalsIgnoreCase(headers.getOrDefault("transfer-encoding", "").strip())) {
            return indexOf(bytes, "\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), bodyStart - 2) >= 0;
        }
        return false;
    }

    private static Response parse(byte[] bytes, String failure) {
        int end = indexOf(bytes, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 0);
        if (end < 0) {
            return new Response(0, Map.of(), "", failure != null ? failure
                    : bytes.length == 0 ? "closed without an answer" : "not HTTP: " + new String(bytes, StandardCharsets.ISO_8859_1));
        }
        String head = new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
        String statusLine = head.lines().findFirst().orElse("");
        String[] parts = statusLine.split(" ", 3);
        int status;
        try {
            status = parts.length >= 2 && parts[0].startsWith("HTTP/") ? Integer.parseInt(parts[1]) : 0;
        } catch (NumberFormatException e) {
            status = 0;
        }
        Map<String, String> headers = headers(head);
        byte[] body = java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length);
        if ("chunked".equalsIgnoreCase(headers.getOrDefault("transfer-encoding", "").strip())) {
            body = dechunk(body);
        }
        return new Response(status, headers, new String(body, StandardCharsets.UTF_8),
                status == 0 ? "bad status line: " + statusLine : null);
    }

    private static Map<String, String> headers(String head) {
        Map<String, String> headers = new LinkedHashMap<>();
        head.lines().skip(1).forEach(line -> {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
            }
        });
        return headers;
    }

    private static byte[] dechunk(byte[] body) {
        var out = new ByteArrayOutputStream();
        int at = 0;
        while (at < body.length) {
            int lineEnd = indexOf(body, "\r\n".getBytes(StandardCharsets.ISO_8859_1), at);
            if (lineEnd < 0) {
                break;
            }
            int size;
            try {
                size = Integer.parseInt(new String(body, at, lineEnd - at, StandardCharsets.ISO_8859_1).split(";")[0].strip(), 16);
            } catch (NumberFormatException e) {
                break;
            }
            if (size == 0) {
                break;
            }
            out.write(body, lineEnd + 2, Math.min(size, body.length - lineEnd - 2));
            at = lineEnd + 2 + size + 2;
        }
        return out.toByteArray();
    }

    static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static byte[] concat(byte[]... parts) {
        var out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
