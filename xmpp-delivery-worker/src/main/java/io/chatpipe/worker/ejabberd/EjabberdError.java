package io.chatpipe.worker.ejabberd;

import io.chatpipe.worker.dispatch.DeliveryException;

/**
 * An error answer of mod_http_api: the HTTP status, ejabberd's own error code (0 when it sent
 * none) and its message.
 */
record EjabberdError(int status, int code, String message) {

    /** ejabberd's code for "Can't register user": a JID it refuses, or a policy that forbids it. */
    static final int CANNOT_REGISTER = 10001;

    /** What the worker does about this answer, when the command does not expect it. */
    DeliveryException toException(String command) {
        String reason = command + " answered " + status + (code == 0 ? "" : " (code " + code + ")") + ": " + message;
        if (status == 401 || status == 403 || status == 404 || (status >= 300 && status < 400)) {
            // the server refuses the worker (credentials, api_permissions, a command it does not offer)
            return new DeliveryException.Auth(reason);
        }
        if (status >= 400 && status < 500) {
            return new DeliveryException.Permanent(reason);
        }
        if (code == CANNOT_REGISTER && !message.contains("Database failure")) {
            return new DeliveryException.Permanent(reason);
        }
        return new DeliveryException.Transient(reason);
    }
}
