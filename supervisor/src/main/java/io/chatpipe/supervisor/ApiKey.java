package io.chatpipe.supervisor;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

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

    /** The api-service's {@code chatpipe.api.auth.keys[index]} arguments. */
    List<String> arguments(int index) {
        List<String> args = keyArguments("--chatpipe.api.auth.keys[" + index + "].");
        args.add("--chatpipe.api.auth.keys[" + index + "].rate-limit.messages=" + ratePerSecond);
        args.add("--chatpipe.api.auth.keys[" + index + "].rate-limit.per=1s");
        return args;
    }

    /** history-service's {@code chatpipe.history.auth.keys[index]} arguments: the same key, with these roles. */
    List<String> historyArguments(int index, List<String> roles) {
        String prefix = "--chatpipe.history.auth.keys[" + index + "].";
        List<String> args = keyArguments(prefix);
        for (int i = 0; i < roles.size(); i++) {
            args.add(prefix + "roles[" + i + "]=" + roles.get(i));
        }
        return args;
    }

    private List<String> keyArguments(String prefix) {
        List<String> args = new ArrayList<>(List.of(prefix + "name=" + name, prefix + "secret-sha256=" + sha256(secret)));
        for (int i = 0; i < senders.size(); i++) {
            args.add(prefix + "senders[" + i + "]=" + senders.get(i));
        }
        return args;
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
