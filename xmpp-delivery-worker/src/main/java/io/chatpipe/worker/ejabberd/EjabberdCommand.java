package io.chatpipe.worker.ejabberd;

import io.chatpipe.worker.dispatch.DeliveryException;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * One command of ejabberd's admin API (mod_http_api): its arguments are the record's components,
 * sent as a JSON object; the command says what a successful answer means.
 *
 * @param <R> what the command returns
 */
sealed interface EjabberdCommand<R> permits Register, SendStanza, SetNickname, AddRosterItem, DeleteRosterItem,
        UserSessionsInfo {

    /** The command's name, the last segment of its URL. */
    String command();

    /** What a 200 answer's body means. */
    R result(JsonNode body) throws DeliveryException;

    /** The result an error answer stands for, when this command expects that error. */
    default Optional<R> expected(EjabberdError error) {
        return Optional.empty();
    }

    /** mod_http_api's answer for a command whose result is a rescode: 0 on success, 1 otherwise. */
    static boolean rescode(JsonNode body) throws DeliveryException {
        if (!body.isInt() || (body.intValue() != 0 && body.intValue() != 1)) {
            throw new DeliveryException.Transient("unexpected answer from ejabberd: " + body);
        }
        return body.intValue() == 0;
    }
}
