package io.chatpipe.worker.ejabberd;

import io.chatpipe.worker.dispatch.DeliveryException;
import tools.jackson.databind.JsonNode;

/**
 * {@code send_stanza}: routes a stanza from one JID to another as if the sender had sent it. A
 * stanza ejabberd cannot parse or a JID it cannot hold is a 400.
 */
record SendStanza(String from, String to, String stanza) implements EjabberdCommand<Void> {

    @Override
    public String command() {
        return "send_stanza";
    }

    @Override
    public Void result(JsonNode body) throws DeliveryException {
        if (!EjabberdCommand.rescode(body)) {
            throw new DeliveryException.Permanent("ejabberd did not route the stanza from " + from + " to " + to);
        }
        return null;
    }

    @Override
    public String toString() {
        // the stanza carries the message text: keep it out of the logs
        return "SendStanza[from=" + from + ", to=" + to + "]";
    }
}
