package io.chatpipe.worker.ejabberd;

import io.chatpipe.worker.dispatch.DeliveryException;
import tools.jackson.databind.JsonNode;

/** {@code set_nickname} (mod_admin_extra): the NICKNAME of the account's vCard. */
record SetNickname(String user, String host, String nickname) implements EjabberdCommand<Void> {

    @Override
    public String command() {
        return "set_nickname";
    }

    @Override
    public Void result(JsonNode body) throws DeliveryException {
        if (!EjabberdCommand.rescode(body)) {
            throw new DeliveryException.Transient("ejabberd did not set the nickname of " + user + "@" + host);
        }
        return null;
    }
}
