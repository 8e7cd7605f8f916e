package io.chatpipe.worker.ejabberd;

import io.chatpipe.worker.delivery.DeliveryException;
import tools.jackson.databind.JsonNode;

/** {@code check_account}: answers 0 when the account exists, 1 when it does not (or cannot). */
record CheckAccount(String user, String host) implements EjabberdCommand<Boolean> {

    @Override
    public String command() {
        return "check_account";
    }

    @Override
    public Boolean result(JsonNode body) throws DeliveryException {
        return EjabberdCommand.rescode(body);
    }
}
