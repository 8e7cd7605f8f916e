package io.chatpipe.events;

import java.time.Instant;

/**
 * An external user id mapped to its XMPP account (CreateOrGetUser).
 *
 * @param created true when chatpipe registered the account, false when it already existed and was
 *                used as it is
 */
public record UserProvisioned(int schema, UserId userId, String jid, boolean created, Instant at)
        implements ChatEvent {

    public static UserProvisioned of(UserId userId, String jid, boolean created, Instant at) {
        return new UserProvisioned(SCHEMA_VERSION, userId, jid, created, at);
    }
}
