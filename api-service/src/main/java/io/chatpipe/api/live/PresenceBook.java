package io.chatpipe.api.live;

import io.chatpipe.api.websocket.ChatFrame;
import io.chatpipe.api.websocket.SessionRegistry;
import io.chatpipe.events.PresenceChanged;
import io.chatpipe.events.Topic;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Who is online, on which instances, as {@code chat.presence} has said since this instance started. When a
 * user comes online anywhere (their first session on any instance) or goes offline everywhere, the users
 * who have them as a contact and have sessions here are told: a PRESENCE frame from that user, "online" or
 * "offline" (never seed 003's JOIN_SUCCESS or LEAVE, which its client takes as its own login and logout).
 */
@Component
public class PresenceBook implements TopicFollower<UserId, PresenceChanged> {

    private final SessionRegistry sessions;
    private final ContactBook contacts;
    /** Guarded by this. */
    private final Map<UserId, Set<String>> instances = new HashMap<>();

    PresenceBook(SessionRegistry sessions, ContactBook contacts) {
        this.sessions = sessions;
        this.contacts = contacts;
    }

    @Override
    public Topic<UserId, PresenceChanged> topic() {
        return Topics.PRESENCE;
    }

    @Override
    public boolean fromBeginning() {
        return false;
    }

    @Override
    public void accept(UserId key, PresenceChanged change) {
        UserId user = change.userId();
        boolean before;
        boolean after;
        synchronized (this) {
            before = instances.containsKey(user);
            Set<String> at = instances.computeIfAbsent(user, u -> new HashSet<>());
            if (change.online()) {
                at.add(change.instanceId());
            } else {
                at.remove(change.instanceId());
            }
            if (at.isEmpty()) {
                instances.remove(user);
            }
            after = instances.containsKey(user);
        }
        if (before != after) {
            for (UserId owner : contacts.ownersOf(user)) {
                sessions.send(owner, ChatFrame.presence(user, owner, after));
            }
        }
    }

    public synchronized boolean isOnline(UserId user) {
        return instances.containsKey(user);
    }
}
