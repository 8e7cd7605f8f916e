package io.chatpipe.api.chat;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.UserId;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The chat sessions open on this instance, by user. Safe under concurrency: a user's first session to open
 * and last to close are told apart under that user's lock, so that the presence changes they publish
 * (online, offline) leave in the order they happened.
 */
@Component
class SessionRegistry implements SmartLifecycle {

    private static final int STRIPES = 64;

    private final ConcurrentHashMap<UserId, Set<ChatSession>> sessions = new ConcurrentHashMap<>();
    private final Object[] locks = new Object[STRIPES];
    private final PresencePublisher presence;
    private volatile boolean running;

    SessionRegistry(PresencePublisher presence) {
        this.presence = presence;
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    void add(ChatSession session) {
        UserId user = session.user();
        synchronized (lock(user)) {
            Set<ChatSession> own = sessions.computeIfAbsent(user, u -> ConcurrentHashMap.newKeySet());
            boolean first = own.isEmpty();
            own.add(session);
            if (first) {
                presence.online(user);
            }
        }
    }

    void remove(ChatSession session) {
        UserId user = session.user();
        synchronized (lock(user)) {
            Set<ChatSession> own = sessions.get(user);
            if (own != null && own.remove(session) && own.isEmpty()) {
                sessions.remove(user);
                presence.offline(user);
            }
        }
    }

    /** Sends a frame to every session of a user on this instance; none is no error. */
    public void send(UserId user, ChatFrame frame) {
        Set<ChatSession> own = sessions.get(user);
        if (own != null) {
            own.forEach(session -> session.send(frame));
        }
    }

    /**
     * Sends a message's own frame to every session of its sender on this instance but the one that sent it,
     * which was told SENT instead.
     */
    public void sendToSender(UserId sender, MessageId message, ChatFrame frame) {
        Set<ChatSession> own = sessions.get(sender);
        if (own != null) {
            own.forEach(session -> {
                if (!session.sentItself(message)) {
                    session.send(frame);
                }
            });
        }
    }

    /**
     * Says again that every user with a session here is online, for other instances to know this one still holds
     * them (a presence lease); under each user's lock, so that it cannot overtake the user's going offline.
     */
    public void announceOnline() {
        for (UserId user : List.copyOf(sessions.keySet())) {
            synchronized (lock(user)) {
                if (sessions.containsKey(user)) {
                    presence.online(user);
                }
            }
        }
    }

    /** Whether no session is open on this instance. */
    public boolean noneOpen() {
        return sessions.isEmpty();
    }

    /** Whether a user of the conversation has a session on this instance. */
    public boolean anyOpen(ConversationId conversation) {
        return sessions.containsKey(conversation.first()) || sessions.containsKey(conversation.second());
    }

    /** Every session on this instance, each once; sessions that open or close meanwhile may be left out. */
    void forEach(Consumer<ChatSession> action) {
        sessions.values().forEach(own -> own.forEach(action));
    }

    private Object lock(UserId user) {
        return locks[Math.floorMod(user.hashCode(), STRIPES)];
    }

    @Override
    public void start() {
        running = true;
    }

    /**
     * After the web server stopped (its sessions closed): whoever is still registered goes offline, so that
     * contacts do not see them online on an instance that is gone.
     */
    @Override
    public void stop() {
        running = false;
        for (UserId user : List.copyOf(sessions.keySet())) {
            synchronized (lock(user)) {
                if (sessions.remove(user) != null) {
                    presence.offline(user);
                }
            }
        }
        presence.flush();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops after the web server ({@code Integer.MAX_VALUE - 2048}), before the Kafka tail. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 3072;
    }
}
