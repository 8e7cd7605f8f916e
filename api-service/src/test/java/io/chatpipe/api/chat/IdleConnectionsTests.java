package io.chatpipe.api.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.api.Http;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The idle timeout, set to 2 s: a client that stalls in the middle of a frame is closed (1008); a client that
 * sends nothing but answers the server's pings, as a browser does for an open chat page, stays connected.
 */
class IdleConnectionsTests {

    static ChatService service;

    @BeforeAll
    static void start() {
        service = ChatService.start("--chatpipe.api.websocket.idle-timeout=2s");
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void aClientThatStallsHalfWayThroughAFrameIsClosed() throws IOException {
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), service.port())) {
            socket.setSoTimeout((int) ChatClient.WAIT.toMillis());   // a bound on a hang
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + webSocketPath(ChatService.user("staller")) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            var in = new DataInputStream(socket.getInputStream());
            assertThat(head(in)).startsWith("HTTP/1.1 101");

            // a text frame that says it has 200 bytes, of which 10 come (masked, as a client's must be)
            byte[] mask = {1, 2, 3, 4};
            byte[] part = "{\"messageT".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < part.length; i++) {
                part[i] ^= mask[i % 4];
            }
            out.write(new byte[] {(byte) 0x81, (byte) (0x80 | 126), 0, (byte) 200});
            out.write(mask);
            out.write(part);
            out.flush();

            assertThat(closeCode(in)).as("the close status the server sent").isEqualTo(1008);
        }
    }

    @Test
    void aQuietClientThatAnswersPingsStaysConnected() throws InterruptedException {
        try (ChatClient quiet = service.join(ChatService.user("quiet"), "pw")) {
            Thread.sleep(Duration.ofSeconds(6));   // three idle timeouts without a frame from the client

            assertThat(quiet.isClosed()).isFalse();
            quiet.send(Map.of("messageType", "GET_CONTACTS"));
            assertThat(quiet.next("GET_CONTACTS").path("content").asString()).isEqualTo("[]");
        }
    }

    private static String webSocketPath(String user) {
        var response = service.http().postJson("/api/v1/sessions",
                "{\"username\": \"" + user + "\", \"password\": \"pw\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return Http.json(response).path("webSocket").asString();
    }

    private static String head(InputStream in) throws IOException {
        var head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads the server's frames (JOIN_SUCCESS, pings) until its close, and returns the close's status. */
    private static int closeCode(DataInputStream in) throws IOException {
        while (true) {
            int opcode;
            try {
                opcode = in.readUnsignedByte() & 0x0F;
            } catch (EOFException e) {
                return -1;   // closed without a close frame
            }
            int length = in.readUnsignedByte() & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = (int) in.readLong();
            }
            byte[] payload = in.readNBytes(length);
            if (opcode == 0x8) {
                return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
            }
        }
    }
}
