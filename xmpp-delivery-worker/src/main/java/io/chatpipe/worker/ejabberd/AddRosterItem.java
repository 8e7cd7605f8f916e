package io.chatpipe.worker.ejabberd;

import io.chatpipe.worker.dispatch.DeliveryException;
import tools.jackson.databind.JsonNode;

/**
 * {@code add_rosteritem} (mod_admin_extra, ejabberd 23.01's arguments): puts {@code user@host} on
 * {@code localuser}'s roster with a nickname, a group and a subscription (none, from, to, both);
 * replaces the item when it is there already.
 */
record AddRosterItem(String localuser, String localhost, String user, String host, String nick, String group,
                     String subs) implements EjabberdCommand<Void> {

    @Override
    public String command() {
        return "add_rosteritem";
    }

    @Override
    public Void result(JsonNode body) throws DeliveryException {
        if (!EjabberdCommand.rescode(body)) {
            throw new DeliveryException.Transient("ejabberd did not add " + user + "@" + host + " to the roster of "
                    + localuser + "@" + localhost);
        }
        return null;
    }
}
