package io.chatpipe.history.auth;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.UserId;
import io.chatpipe.history.config.HistoryProperties.Role;
import jakarta.servlet.http.HttpServletRequest;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Who is asking, and what they may read: an API key (the conversations of its senders, or any; its roles), a
 * user logged in with their chat account (their own conversations, no role), or anyone at all when
 * credentials are not required. The request carries it as the attribute {@link #ATTRIBUTE}.
 */
public final class Reader {

    static final String ATTRIBUTE = "io.chatpipe.history.auth.Reader";

    private static final Reader ANYONE = new Reader("anonymous", Set.of(), true, EnumSet.allOf(Role.class));

    private final String name;
    private final Set<UserId> users;
    private final boolean anyUser;
    private final Set<Role> roles;

    private Reader(String name, Set<UserId> users, boolean anyUser, Set<Role> roles) {
        this.name = name;
        this.users = Set.copyOf(users);
        this.anyUser = anyUser;
        this.roles = roles.isEmpty() ? Set.of() : Set.copyOf(roles);
    }

    static Reader anyone() {
        return ANYONE;
    }

    static Reader apiKey(String name, Set<UserId> senders, Set<Role> roles) {
        return new Reader("key " + name, senders, senders.isEmpty(), roles);
    }

    static Reader user(UserId user) {
        return new Reader("user " + user, Set.of(user), false, Set.of());
    }

    /** The reader that the authentication of this request found. */
    public static Reader of(HttpServletRequest request) {
        Object reader = request.getAttribute(ATTRIBUTE);
        if (reader instanceof Reader found) {
            return found;
        }
        throw new IllegalStateException("no reader authenticated for " + request.getRequestURI());
    }

    /** "key NAME", "user ID" or "anonymous": never a secret. */
    public String name() {
        return name;
    }

    /** @throws ForbiddenException unless one of the conversation's users is one this reader may read for */
    public void requireConversation(ConversationId conversation) {
        if (!anyUser && users.stream().noneMatch(conversation::involves)) {
            throw new ForbiddenException(name + " may not read conversation " + conversation);
        }
    }

    /** @throws ForbiddenException unless this reader may read (and act) for the user */
    public void requireUser(UserId user) {
        if (!anyUser && !users.contains(user)) {
            throw new ForbiddenException(name + " may not read or act for user " + user);
        }
    }

    /** @throws ForbiddenException unless this reader has the role */
    public void requireRole(Role role) {
        if (!roles.contains(role)) {
            throw new ForbiddenException(name + " lacks the role " + role.name().toLowerCase(Locale.ROOT));
        }
    }

    @Override
    public String toString() {
        return "Reader[" + name + "]";
    }
}
