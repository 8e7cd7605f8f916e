package io.chatpipe.api.chat;

import io.chatpipe.kafka.TopicFollower;
import io.chatpipe.events.ContactChanged;
import io.chatpipe.events.Topic;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Every user's contacts as {@code chat.contacts} says, read from its beginning, and who follows whom (the
 * owners of the lists a user is on, who see that user come and go). A change read after the start is also
 * shown to the owner's sessions here (ADD_CONTACT or UNSUBSCRIBE, from the owner), so that all of them agree.
 */
@Component
class ContactBook implements TopicFollower<UserId, ContactChanged> {

    private final SessionRegistry sessions;
    /** Guarded by this. */
    private final Map<UserId, Set<UserId>> contacts = new HashMap<>();
    /** Guarded by this. */
    private final Map<UserId, Set<UserId>> owners = new HashMap<>();

    ContactBook(SessionRegistry sessions) {
        this.sessions = sessions;
    }

    @Override
    public Topic<UserId, ContactChanged> topic() {
        return Topics.CONTACTS;
    }

    @Override
    public boolean fromBeginning() {
        return true;
    }

    @Override
    public void accept(UserId key, ContactChanged change) {
        UserId owner = change.owner();
        UserId contact = change.contact();
        synchronized (this) {
            switch (change.change()) {
                case ADDED -> {
                    contacts.computeIfAbsent(owner, o -> new LinkedHashSet<>()).add(contact);
                    owners.computeIfAbsent(contact, c -> new LinkedHashSet<>()).add(owner);
                }
                case REMOVED -> {
                    remove(contacts, owner, contact);
                    remove(owners, contact, owner);
                }
            }
        }
        String type = change.change() == ContactChanged.Change.ADDED ? ChatFrame.ADD_CONTACT : ChatFrame.UNSUBSCRIBE;
        sessions.send(owner, ChatFrame.of(type, owner.value(), contact.value(), null));
    }

    /** A user's contacts, in the order they were added. */
    public synchronized List<UserId> contactsOf(UserId owner) {
        return List.copyOf(contacts.getOrDefault(owner, Set.of()));
    }

    public synchronized boolean has(UserId owner, UserId contact) {
        return contacts.getOrDefault(owner, Set.of()).contains(contact);
    }

    /** The users who have this one among their contacts. */
    public synchronized List<UserId> ownersOf(UserId contact) {
        return List.copyOf(owners.getOrDefault(contact, Set.of()));
    }

    private static void remove(Map<UserId, Set<UserId>> lists, UserId key, UserId member) {
        Set<UserId> list = lists.get(key);
        if (list != null && list.remove(member) && list.isEmpty()) {
            lists.remove(key);
        }
    }
}
