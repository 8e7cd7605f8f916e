package io.chatpipe.api.chat;

import io.chatpipe.api.config.ApiProperties;
import io.chatpipe.events.ChatJson;
import io.chatpipe.events.UserId;
import java.io.IOException;
import io.chatpipe.events.MessageId;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PingMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;

/**
 * One open chat connection of a logged-in user. Frames may be sent to it from any thread (its own, and the
 * live updates'); a client too slow to take them within the configured time or buffer is disconnected
 * rather than allowed to hold anyone else up.
 */
final class ChatSession {

    private static final Logger log = LoggerFactory.getLogger(ChatSession.class);
    private static final int MAX_SENDING = 1024;

    private final WebSocketSession socket;
    private final UserId user;
    private final FrameGuard guard;
    /**
     * Messages this session sent whose record has not come back from Kafka yet: it is told they were SENT, and
     * gets no NEW_MESSAGE for them (seed 003's client would draw its own message a second time). Guarded by
     * itself; normally a handful, and bounded should a record never come back.
     */
    private final Set<MessageId> sentHere = new LinkedHashSet<>();
    /** When the client last sent anything: a frame, part of one, or a pong (System.nanoTime). */
    private volatile long lastHeard = System.nanoTime();

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

    /** This session is sending the message: its record is not to come back to it. False if it already was. */
    boolean sending(MessageId message) {
        synchronized (sentHere) {
            if (sentHere.size() >= MAX_SENDING) {
                Iterator<MessageId> oldest = sentHere.iterator();
                oldest.next();
                oldest.remove();
            }
            return sentHere.add(message);
        }
    }

    /** The message will not come back (refused, or stored before): forgets it. */
    void notSent(MessageId message) {
        synchronized (sentHere) {
            sentHere.remove(message);
        }
    }

    /** Whether this session sent the message whose record came back now; true once. */
    boolean sentItself(MessageId message) {
        synchronized (sentHere) {
            return sentHere.remove(message);
        }
    }

    /** The client sent something: it is not idle. */
    void heard() {
        lastHeard = System.nanoTime();
    }

    /**
     * Closes a connection that has been quiet for the idle timeout, such as one stalled in the middle of a frame;
     * pings one quiet for half of it, so that a live client, which answers with a pong, is heard from.
     */
    void checkIdle(long now, Duration timeout) {
        long quiet = now - lastHeard;
        if (quiet >= timeout.toNanos()) {
            log.info("Closing {}: nothing heard from it for {}", this, timeout);
            close(CloseStatus.POLICY_VIOLATION.withReason("idle for " + timeout.toSeconds() + "s"));
        } else if (quiet >= timeout.toNanos() / 2 && socket.isOpen()) {
            try {
                socket.sendMessage(new PingMessage());
            } catch (IOException | RuntimeException e) {
                log.debug("Could not ping session {} of {}: {}", socket.getId(), user, e.toString());
            }
        }
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
