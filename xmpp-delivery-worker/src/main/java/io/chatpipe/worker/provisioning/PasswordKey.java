package io.chatpipe.worker.provisioning;

import io.chatpipe.events.UserId;
import io.chatpipe.events.XmppPassword;
import io.chatpipe.worker.config.WorkerProperties;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The key the passwords of created accounts are derived from ({@link XmppPassword}), from
 * {@code chatpipe.worker.provisioning.password-key}. Without it, a random key stands in, and nobody
 * (the api-service included) can know the passwords of the accounts this instance creates.
 */
@Component
public class PasswordKey {

    private static final Logger log = LoggerFactory.getLogger(PasswordKey.class);

    private final byte[] key;

    PasswordKey(WorkerProperties properties) {
        String configured = properties.provisioning().passwordKey();
        if (configured == null || configured.isBlank()) {
            key = new byte[32];
            new SecureRandom().nextBytes(key);
            log.warn("No chatpipe.worker.provisioning.password-key: accounts created by this instance get "
                    + "passwords nobody knows, and cannot be logged into");
        } else {
            try {
                key = Base64.getDecoder().decode(configured.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("chatpipe.worker.provisioning.password-key is not base64");
            }
            if (key.length < XmppPassword.MIN_KEY_BYTES) {
                throw new IllegalStateException("chatpipe.worker.provisioning.password-key must have at least "
                        + XmppPassword.MIN_KEY_BYTES + " bytes");
            }
        }
    }

    /** The password of an account this worker creates for the user. */
    public String passwordOf(UserId user) {
        return XmppPassword.derive(key, user);
    }
}
