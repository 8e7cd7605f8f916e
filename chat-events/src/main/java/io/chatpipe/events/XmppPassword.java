package io.chatpipe.events;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The XMPP password of an account chatpipe creates: derived from a server key and the user, so that
 * the delivery worker (which registers the account) and the api-service (which can hand the password
 * to the authenticated user, for any XMPP client) agree on it without storing or sending it anywhere.
 *
 * <p>{@code base64url(HMAC-SHA256(key, "xmpp-password:" + localpart))}, without padding: 43 characters
 * that every server takes as a password. Whoever knows the key can log into every account chatpipe
 * created, so the key is a secret of the deployment, never of the repository.
 */
public final class XmppPassword {

    private static final String ALGORITHM = "HmacSHA256";

    /** Shortest key accepted, in bytes: HMAC-SHA256's block of security. */
    public static final int MIN_KEY_BYTES = 32;

    private XmppPassword() {
    }

    public static String derive(byte[] key, UserId user) {
        if (key == null || key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the password key must have at least " + MIN_KEY_BYTES + " bytes");
        }
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            byte[] digest = mac.doFinal(("xmpp-password:" + user.localpart()).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has " + ALGORITHM, e);
        }
    }
}
