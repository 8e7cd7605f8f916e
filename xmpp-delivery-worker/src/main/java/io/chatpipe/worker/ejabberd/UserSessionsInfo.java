package io.chatpipe.worker.ejabberd;

import io.chatpipe.worker.dispatch.DeliveryException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * {@code user_sessions_info} (mod_admin_extra): the user's sessions, each asked for its presence by a
 * call into its c2s process. The process answers only once it has handled every stanza ahead of the
 * call in its mailbox; a call that times out (after 1 s in ejabberd 23.01) is caught by
 * mod_admin_extra and the session reported with status {@code offline}.
 */
record UserSessionsInfo(String user, String host) implements EjabberdCommand<List<UserSessionsInfo.Session>> {

    /** ejabberd's status for a session whose process did not answer. */
    static final String NO_ANSWER = "offline";

    /** One session: its resource and the status its process answered with. */
    record Session(String resource, String status) {

        /** Its process answered: it had handled everything routed to it before the call. */
        boolean answered() {
            return !NO_ANSWER.equals(status);
        }
    }

    @Override
    public String command() {
        return "user_sessions_info";
    }

    @Override
    public List<Session> result(JsonNode body) throws DeliveryException {
        if (!body.isArray()) {
            throw new DeliveryException.Transient("unexpected answer from ejabberd: " + body);
        }
        List<Session> sessions = new ArrayList<>();
        for (JsonNode session : body) {
            if (!session.path("status").isString()) {
                throw new DeliveryException.Transient("unexpected session from ejabberd: " + session);
            }
            sessions.add(new Session(session.path("resource").asString(""), session.path("status").asString()));
        }
        return sessions;
    }
}
