package io.chatpipe.worker;

import io.chatpipe.testsupport.XmppServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * An XMPP client that logs in, says it is available, and then never reads again, like a phone whose
 * app froze: its socket fills up, the server's session process blocks writing to it, and everything
 * routed to the user waits in that process's queue. Raw TCP, because a real client library reads.
 */
final class StalledXmppClient implements AutoCloseable {

    private static final String STREAM = "<?xml version='1.0'?><stream:stream to='%s' xmlns='jabber:client' "
            + "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";

    private final Socket socket;

    private final InputStream in;

    private final OutputStream out;

    private StalledXmppClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Logs in (SASL PLAIN; loopback only), binds a resource, sends presence, and stops reading. */
    static StalledXmppClient login(XmppServer server, String localpart, String password) {
        try {
            var socket = new Socket();
            // a small window, so that the server's writes block after a few messages
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress(server.host(), server.clientPort()), 5000);
            socket.setSoTimeout(10_000);
            var client = new StalledXmppClient(socket);
            String stream = STREAM.formatted(server.domain());
            client.send(stream);
            client.readUntil("</stream:features>");
            String credentials = Base64.getEncoder().encodeToString(
                    ("\0" + localpart + "\0" + password).getBytes(StandardCharsets.UTF_8));
            client.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + credentials + "</auth>");
            if (!client.readUntil("<success", "<failure").contains("<success")) {
                throw new IllegalStateException("login refused for " + localpart);
            }
            client.send(stream);
            client.readUntil("</stream:features>");
            client.send("<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                    + "<resource>stalled</resource></bind></iq>");
            client.readUntil("</iq>");
            client.send("<presence/>");
            return client;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void send(String xml) throws IOException {
        out.write(xml.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Reads until one of the markers has arrived; returns what was read. */
    private String readUntil(String... markers) throws IOException {
        var read = new StringBuilder();
        byte[] buffer = new byte[4096];
        while (true) {
            for (String marker : markers) {
                if (read.indexOf(marker) >= 0) {
                    return read.toString();
                }
            }
            int n = in.read(buffer);
            if (n < 0) {
                throw new IOException("the server closed the stream: " + read);
            }
            read.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
