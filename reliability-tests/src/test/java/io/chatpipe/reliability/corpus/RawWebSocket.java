package io.chatpipe.reliability.corpus;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/**
 * A WebSocket client over a plain socket (RFC 6455), so that a test can send frames no library would:
 * invalid UTF-8, unmasked frames, reserved opcodes, lying lengths, half a frame.
 */
final class RawWebSocket implements AutoCloseable {

    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    /** A frame from the server; for CLOSE, its status code (or 1005 when it has none). */
    record Frame(int opcode, byte[] payload, int closeCode) {

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return opcode == CLOSE ? "CLOSE " + closeCode + (payload.length > 2
                    ? " " + new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "")
                    : opcode == TEXT ? text() : "opcode " + opcode + " (" + payload.length + " bytes)";
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final int handshakeStatus;

    private RawWebSocket(Socket socket, InputStream in, int handshakeStatus) throws IOException {
        this.socket = socket;
        this.in = in;
        this.out = socket.getOutputStream();
        this.handshakeStatus = handshakeStatus;
    }

    /** Opens the socket; {@link #handshakeStatus()} says whether the server switched protocols (101). */
    static RawWebSocket open(int port, String target, Map<String, String> headers, Duration timeout) throws IOException {
        var socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout((int) timeout.toMillis());
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        var request = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\n")
                .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(Base64.getEncoder().encodeToString(key)).append("\r\n");
        if (!headers.containsKey("Sec-WebSocket-Version")) {
            request.append("Sec-WebSocket-Version: 13\r\n");
        }
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        request.append("\r\n");
        socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = socket.getInputStream();
        String head = readHead(in);
        String[] status = head.lines().findFirst().orElse("").split(" ", 3);
        int code = status.length >= 2 ? Integer.parseInt(status[1]) : 0;
        return new RawWebSocket(socket, in, code);
    }

    int handshakeStatus() {
        return handshakeStatus;
    }

    void sendText(String text) throws IOException {
        sendFrame(true, TEXT, text.getBytes(StandardCharsets.UTF_8), true);
    }

    /** One frame, masked as a client must unless {@code mask} is false. */
    void sendFrame(boolean fin, int opcode, byte[] payload, boolean mask) throws IOException {
        out.write(frame(fin, 0, opcode, payload, mask));
        out.flush();
    }

    /** Any bytes at all. */
    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    static byte[] frame(boolean fin, int rsv, int opcode, byte[] payload, boolean mask) {
        var frame = new ByteArrayOutputStream();
        frame.write((fin ? 0x80 : 0) | (rsv << 4) | opcode);
        int maskBit = mask ? 0x80 : 0;
        if (payload.length < 126) {
            frame.write(maskBit | payload.length);
        } else if (payload.length < 65536) {
            frame.write(maskBit | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xFF);
        } else {
            frame.write(maskBit | 127);
            frame.writeBytes(ByteBuffer.allocate(8).putLong(payload.length).array());
        }
        if (mask) {
            byte[] key = new byte[4];
            RANDOM.nextBytes(key);
            frame.writeBytes(key);
            byte[] masked = new byte[payload.length];
            for (int i = 0; i < payload.length; i++) {
                masked[i] = (byte) (payload[i] ^ key[i % 4]);
            }
            frame.writeBytes(masked);
        } else {
            frame.writeBytes(payload);
        }
        return frame.toByteArray();
    }

    /** The next whole message from the server (continuations joined), or null if the connection ended. */
    Frame read() throws IOException {
        var data = new DataInputStream(in);
        ByteArrayOutputStream message = null;
        int messageOpcode = 0;
        while (true) {
            int b0;
            try {
                b0 = data.readUnsignedByte();
            } catch (EOFException e) {
                return null;
            }
            int b1 = data.readUnsignedByte();
            boolean fin = (b0 & 0x80) != 0;
            int opcode = b0 & 0x0F;
            long length = b1 & 0x7F;
            if (length == 126) {
                length = data.readUnsignedShort();
            } else if (length == 127) {
                length = data.readLong();
            }
            byte[] mask = null;
            if ((b1 & 0x80) != 0) {
                mask = new byte[4];
                data.readFully(mask);
            }
            byte[] payload = new byte[(int) length];
            data.readFully(payload);
            if (mask != null) {
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= mask[i % 4];
                }
            }
            if (opcode == CLOSE) {
                int code = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
                return new Frame(CLOSE, payload, code);
            }
            if (opcode == PING) {
                sendFrame(true, PONG, payload, true);
                continue;
            }
            if (opcode == PONG) {
                continue;
            }
            if (message == null) {
                message = new ByteArrayOutputStream();
                messageOpcode = opcode;
            }
            message.writeBytes(payload);
            if (fin) {
                return new Frame(messageOpcode, message.toByteArray(), 0);
            }
        }
    }

    /** Frames until one matches, the server closes (the CLOSE frame is returned), or the timeout. */
    Frame await(java.util.function.Predicate<Frame> match, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int before = socket.getSoTimeout();
        try {
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return null;
                }
                socket.setSoTimeout((int) left);
                Frame frame = read();
                if (frame == null || frame.opcode() == CLOSE || match.test(frame)) {
                    return frame;
                }
            }
        } catch (SocketTimeoutException e) {
            return null;
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(before);
            }
        }
    }

    boolean isClosed() {
        return socket.isClosed();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private static String readHead(InputStream in) throws IOException {
        var head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }
}
