package io.chatpipe.supervisor;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An API key the stack's api-service is configured with: the service is given only the SHA-256 of the
 * secret, the clients (and tests) the secret.
 *
 * @param senders       the users it may send as; empty for any
 * @param ratePerSecond its rate limit, messages per second
 */
public record ApiKey(String name, String secret, List<String> senders, long ratePerSecond) {

    public ApiKey {
        senders = List.copyOf(senders);
    }

    /** A key with a fresh random secret (32 bytes, as the api-service asks for). */
    public static ApiKey generate(String name, List<String> senders, long ratePerSecond) {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return new ApiKey(name, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), senders,
                ratePerSecond);
    }

    /** The value of the {@code Authorization} header. */
    public String authorization() {
        return "Bearer " + secret;
    }

    /** The api-service's {@code chatpipe.api.auth.keys[index]} properties. */
    Map<String, String> properties(int index) {
        Map<String, String> properties = keyProperties("chatpipe.api.auth.keys[" + index + "].");
        properties.put("chatpipe.api.auth.keys[" + index + "].rate-limit.messages", Long.toString(ratePerSecond));
        properties.put("chatpipe.api.auth.keys[" + index + "].rate-limit.per", "1s");
        return properties;
    }

    /** history-service's {@code chatpipe.history.auth.keys[index]} properties: the same key, with these roles. */
    Map<String, String> historyProperties(int index, List<String> roles) {
        String prefix = "chatpipe.history.auth.keys[" + index + "].";
        Map<String, String> properties = keyProperties(prefix);
        for (int i = 0; i < roles.size(); i++) {
            properties.put(prefix + "roles[" + i + "]", roles.get(i));
        }
        return properties;
    }

    /** The name and the secret's SHA-256 (never the secret: a command line shows in ps), and the senders. */
    private Map<String, String> keyProperties(String prefix) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(prefix + "name", name);
        properties.put(prefix + "secret-sha256", sha256(secret));
        for (int i = 0; i < senders.size(); i++) {
            properties.put(prefix + "senders[" + i + "]", senders.get(i));
        }
        return properties;
    }

    static String sha256(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "ApiKey[" + name + "]";   // never the secret
    }
}
