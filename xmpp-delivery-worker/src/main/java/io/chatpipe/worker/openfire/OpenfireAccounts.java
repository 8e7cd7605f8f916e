package io.chatpipe.worker.openfire;

import io.chatpipe.events.UserId;
import io.chatpipe.worker.config.ConditionalOnBackend;
import io.chatpipe.worker.config.WorkerProperties.Backend;
import io.chatpipe.worker.dispatch.DeliveryException;
import io.chatpipe.worker.provisioning.XmppAccounts;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Accounts through Openfire's REST API plugin: {@code GET /users/{username}} (200 when it exists,
 * 404 when not), then {@code POST /users} with username, password and name (201; 409
 * UserAlreadyExistsException when someone was quicker). Openfire shows the user's name as their
 * display name, which is what the vCard nickname is elsewhere.
 */
@Component
@ConditionalOnBackend(Backend.OPENFIRE)
class OpenfireAccounts implements XmppAccounts {

    private final OpenfireRestApi api;

    OpenfireAccounts(OpenfireRestApi api) {
        this.api = api;
    }

    @Override
    public boolean createIfAbsent(UserId user, String password, String nickname) throws DeliveryException {
        String username = user.localpart();
        OpenfireRestApi.Answer existing = api.get(List.of("users", username));
        if (existing.status() == 200) {
            return false;
        }
        if (existing.status() != 404) {
            throw new DeliveryException.Transient(existing.reason("GET users/" + username));
        }
        OpenfireRestApi.Answer created = api.post(List.of("users"),
                Map.of("username", username, "password", password, "name", nickname));
        return switch (created.status()) {
            case 201, 200 -> true;
            case 409 -> false;
            case 400 -> throw new DeliveryException.Permanent(created.reason("POST users (" + username + ")"));
            default -> throw new DeliveryException.Transient(created.reason("POST users (" + username + ")"));
        };
    }
}
