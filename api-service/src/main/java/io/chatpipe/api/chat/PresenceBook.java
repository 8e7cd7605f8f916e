package io.chatpipe.api.chat;

import io.chatpipe.kafka.TopicFollower;
import io.chatpipe.events.PresenceChanged;
import io.chatpipe.events.Topic;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Who is online, on which instances, as {@code chat.presence} has said since this instance started. When a
 * user comes online anywhere (their first session on any instance) or goes offline everywhere, the users
 * who have them as a contact and have sessions here are told: a PRESENCE frame from that user, "online" or
 * "offline" (never seed 003's JOIN_SUCCESS or LEAVE, which its client takes as its own login and logout).
 *
 * <p>Each instance says again who is online on it every heartbeat ({@link PresenceLease}); a user's presence on an
 * instance not said again within the lease is over, as if that instance had said offline: it was killed or cut
 * off, and can no longer say so itself.
 */
@Component
class PresenceBook implements TopicFollower<UserId, PresenceChanged> {

    private final SessionRegistry sessions;
    private final ContactBook contacts;
    /** The instances each online user is on, and when each last said so (nanoTime). Guarded by this. */
    private final Map<UserId, Map<String, Long>> instances = new HashMap<>();

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
            Map<String, Long> at = instances.computeIfAbsent(user, u -> new HashMap<>());
            if (change.online()) {
                at.put(change.instanceId(), System.nanoTime());
            } else {
                at.remove(change.instanceId());
            }
            if (at.isEmpty()) {
                instances.remove(user);
            }
            after = instances.containsKey(user);
        }
        if (before != after) {
            tell(user, after);
        }
    }

    /** Ends the presence of users on instances that have not said it again within {@code lease}. */
    void expire(Duration lease) {
        long now = System.nanoTime();
        List<UserId> gone = new ArrayList<>();
        synchronized (this) {
            instances.forEach((user, at) -> {
                at.values().removeIf(heard -> now - heard > lease.toNanos());
                if (at.isEmpty()) {
                    gone.add(user);
                }
            });
            gone.forEach(instances::remove);
        }
        gone.forEach(user -> tell(user, false));
    }

    private void tell(UserId user, boolean online) {
        for (UserId owner : contacts.ownersOf(user)) {
            sessions.send(owner, ChatFrame.presence(user, owner, online));
        }
    }

    public synchronized boolean isOnline(UserId user) {
        return instances.containsKey(user);
    }
}
