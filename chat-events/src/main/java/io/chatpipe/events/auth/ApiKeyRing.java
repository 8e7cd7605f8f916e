package io.chatpipe.events.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * API keys known only by the SHA-256 of their secrets, as chatpipe's services configure them
 * ({@code secret-sha256}): a presented key is hashed and looked up, so secrets are never configured,
 * stored or logged. Each key maps to what its holder is ({@code T}: a client, its rights).
 */
public final class ApiKeyRing<T> {

    private static final String BEARER = "bearer ";
    private static final String BASIC = "basic ";

    private final Map<String, T> holdersBySecretHash = new LinkedHashMap<>();

    /**
     * Adds a key.
     *
     * @param secretSha256 the hex SHA-256 of the key's UTF-8 bytes, in either case
     * @throws IllegalArgumentException if it is not 64 hex digits, or another key has the same secret
     */
    public ApiKeyRing<T> add(String secretSha256, T holder) {
        if (secretSha256 == null || !secretSha256.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("secret-sha256 must be the SHA-256 of the key in hex (64 digits)");
        }
        if (holdersBySecretHash.putIfAbsent(secretSha256.toLowerCase(Locale.ROOT), holder) != null) {
            throw new IllegalArgumentException("two API keys have the same secret");
        }
        return this;
    }

    /** The holder of this key, if it is one. */
    public Optional<T> find(String secret) {
        return secret == null ? Optional.empty() : Optional.ofNullable(holdersBySecretHash.get(sha256(secret)));
    }

    public List<T> holders() {
        return List.copyOf(holdersBySecretHash.values());
    }

    public boolean isEmpty() {
        return holdersBySecretHash.isEmpty();
    }

    /** The hex SHA-256 of a secret's UTF-8 bytes: what {@code secret-sha256} configures. */
    public static String sha256(String secret) {
        return HexFormat.of().formatHex(digest(secret.getBytes(StandardCharsets.UTF_8)));
    }

    static byte[] digest(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** The token of an {@code Authorization: Bearer <token>} header (RFC 6750), if the header is one. */
    public static Optional<String> bearerToken(String authorization) {
        return credentials(authorization, BEARER);
    }

    /**
     * The user and password of an {@code Authorization: Basic <base64(user:password)>} header (RFC 7617),
     * if the header is one.
     */
    public static Optional<BasicCredentials> basicCredentials(String authorization) {
        return credentials(authorization, BASIC).flatMap(encoded -> {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            int colon = decoded.indexOf(':');
            return colon <= 0 ? Optional.empty()
                    : Optional.of(new BasicCredentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
        });
    }

    private static Optional<String> credentials(String authorization, String scheme) {
        if (authorization == null || !authorization.toLowerCase(Locale.ROOT).startsWith(scheme)) {
            return Optional.empty();
        }
        String value = authorization.substring(scheme.length()).strip();
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /** A user name and password from a Basic header; the password is never printed. */
    public record BasicCredentials(String user, String password) {

        @Override
        public String toString() {
            return "BasicCredentials[user=" + user + "]";
        }
    }
}
