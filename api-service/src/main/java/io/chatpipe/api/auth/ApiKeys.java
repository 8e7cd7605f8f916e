package io.chatpipe.api.auth;

import io.chatpipe.api.config.ApiProperties;
import io.chatpipe.events.UserId;
import io.chatpipe.events.auth.ApiKeyRing;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The configured API keys, known by the SHA-256 of their secrets ({@code chatpipe.api.auth.keys}). A
 * presented key is hashed and looked up ({@link ApiKeyRing}, which history-service uses too); the secrets
 * are never configured, stored or logged.
 */
@Component
class ApiKeys {

    private static final Logger log = LoggerFactory.getLogger(ApiKeys.class);

    private final boolean required;
    private final ApiKeyRing<ApiClient> clients = new ApiKeyRing<>();

    ApiKeys(ApiProperties properties) {
        ApiProperties.Auth auth = properties.auth();
        this.required = auth.required();
        for (ApiProperties.ApiKey key : auth.keys()) {
            var senders = key.senders().stream().map(UserId::of).collect(Collectors.toSet());
            clients.add(key.secretSha256(), new ApiClient(key.name(), senders, new RateLimit(key.rateLimit())));
        }
        if (required) {
            log.info("The message API requires an API key; {} configured: {}", clients.holders().size(),
                    clients.holders().stream().map(ApiClient::name).toList());
        } else {
            log.warn("The message API takes messages without an API key (chatpipe.api.auth.required=false)");
        }
    }

    boolean required() {
        return required;
    }

    /** The client whose key this is, if it is one. */
    Optional<ApiClient> find(String secret) {
        return clients.find(secret);
    }

    /** The hex SHA-256 of a secret's UTF-8 bytes: what {@code secret-sha256} configures. */
    static String sha256(String secret) {
        return ApiKeyRing.sha256(secret);
    }
}
