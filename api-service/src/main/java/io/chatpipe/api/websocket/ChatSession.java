package io.chatpipe.api.websocket;

import io.chatpipe.api.config.ApiProperties;
import io.chatpipe.events.ChatJson;
import io.chatpipe.events.UserId;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;

/**
 * One open chat connection of a logged-in user. Frames may be sent to it from any thread (its own, and the
 * live updates'); a client too slow to take them within the configured time or buffer is disconnected
 * rather than allowed to hold anyone else up.
 */
public final class ChatSession {

    private static final Logger log = LoggerFactory.getLogger(ChatSession.class);

    private final WebSocketSession socket;
    private final UserId user;
    private final FrameGuard guard;

    ChatSession(WebSocketSession socket, UserId user, ApiProperties.WebSocket settings) {
        this.socket = new ConcurrentWebSocketSessionDecorator(socket,
                (int) settings.sendTimeLimit().toMillis(), (int) settings.sendBufferLimit().toBytes());
        this.user = user;
        this.guard = new FrameGuard(settings);
    }

    public UserId user() {
        return user;
    }

    FrameGuard guard() {
        return guard;
    }

    /** Sends a frame if the connection is still open; a connection that went away is not an error. */
    public void send(ChatFrame frame) {
        if (!socket.isOpen()) {
            return;
        }
        try {
            socket.sendMessage(new TextMessage(ChatJson.MAPPER.writeValueAsString(frame)));
        } catch (IOException | RuntimeException e) {
            // a closed or too slow connection; the decorator closes it when it overflows
            log.debug("Could not send to session {} of {}: {}", socket.getId(), user, e.toString());
        }
    }

    void close(CloseStatus status) {
        try {
            socket.close(status);
        } catch (IOException e) {
            log.debug("Closing session {} of {} failed: {}", socket.getId(), user, e.toString());
        }
    }

    @Override
    public String toString() {
        return "ChatSession[" + socket.getId() + " of " + user + "]";
    }
}
