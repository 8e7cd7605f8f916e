package io.chatpipe.worker.ejabberd;

import io.chatpipe.worker.dispatch.DeliveryException;
import tools.jackson.databind.JsonNode;

/** {@code delete_rosteritem} (mod_admin_extra): takes {@code user@host} off {@code localuser}'s roster. */
record DeleteRosterItem(String localuser, String localhost, String user, String host) implements EjabberdCommand<Void> {

    @Override
    public String command() {
        return "delete_rosteritem";
    }

    @Override
    public Void result(JsonNode body) throws DeliveryException {
        if (!EjabberdCommand.rescode(body)) {
            throw new DeliveryException.Transient("ejabberd did not take " + user + "@" + host + " off the roster of "
                    + localuser + "@" + localhost);
        }
        return null;
    }
}
