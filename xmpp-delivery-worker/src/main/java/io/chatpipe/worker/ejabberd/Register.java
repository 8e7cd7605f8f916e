package io.chatpipe.worker.ejabberd;

import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * {@code register}: creates an account; true when created. An account that exists already is a
 * 409 ("User ... already registered"), false here: register never touches an existing account.
 */
record Register(String user, String host, String password) implements EjabberdCommand<Boolean> {

    @Override
    public String command() {
        return "register";
    }

    @Override
    public Boolean result(JsonNode body) {
        return true;
    }

    @Override
    public Optional<Boolean> expected(EjabberdError error) {
        return error.status() == 409 ? Optional.of(false) : Optional.empty();
    }

    @Override
    public String toString() {
        return "Register[user=" + user + ", host=" + host + "]";
    }
}
