package io.chatpipe.worker.ejabberd;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatpipe.worker.config.WorkerProperties;
import io.chatpipe.worker.dispatch.DeliveryException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** An ejabberd that takes a command and never answers costs a transient failure, not a stuck conversation. */
class EjabberdApiReplyTimeoutTests {

    @Test
    @Timeout(60)   // only against a hang: the reply timeout is half a second
    void aCommandEjabberdNeverAnswersFailsAfterTheReplyTimeout() throws Exception {
        try (var silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // takes the connection and reads the request, as a stopped-but-not-gone ejabberd would, then says nothing
            Thread.ofVirtual().start(() -> {
                try (Socket connection = silent.accept(); InputStream request = connection.getInputStream()) {
                    request.transferTo(OutputStream.nullOutputStream());
                } catch (Exception e) {
                    // the client gave up: what the test waits for
                }
            });
            var api = new EjabberdApi(new Binder(new MapConfigurationPropertySource(Map.of(
                    "chatpipe.worker.ejabberd.api-url", "http://127.0.0.1:" + silent.getLocalPort() + "/api",
                    "chatpipe.worker.ejabberd.reply-timeout", "500ms")))
                    .bindOrCreate("chatpipe.worker", WorkerProperties.class));
            try {
                assertThatThrownBy(() -> api.call(new UserSessionsInfo("alice", "localhost")))
                        .isInstanceOf(DeliveryException.Transient.class)
                        .hasMessageStartingWith("user_sessions_info failed")
                        // okio's watchdog says "timeout", the socket's own read timeout "Read timed out": whichever is first
                        .hasMessageMatching("(?s).*(timeout|timed out).*");
            } finally {
                api.destroy();
            }
        }
    }
}
