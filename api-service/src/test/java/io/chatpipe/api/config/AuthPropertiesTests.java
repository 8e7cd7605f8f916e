package io.chatpipe.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** How API keys are configured, including by environment variables as a launcher would pass them. */
class AuthPropertiesTests {

    static final String HASH = "18d929f457dd111a60b12264bb88d6cbf7b821c55f340ad9a78b95bf570b8b9c";

    @Test
    void keysAreNotRequiredByDefault() {
        ApiProperties.Auth auth = bind(Map.of()).auth();

        assertThat(auth.required()).isFalse();
        assertThat(auth.keys()).isEmpty();
    }

    @Test
    void bindsAKeyFromEnvironmentVariables() {
        var environment = new StandardEnvironment();
        MutablePropertySources sources = environment.getPropertySources();
        sources.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(
                "CHATPIPE_API_AUTH_REQUIRED", "true",
                "CHATPIPE_API_AUTH_KEYS_0_NAME", "local",
                "CHATPIPE_API_AUTH_KEYS_0_SECRETSHA256", HASH)));

        ApiProperties.Auth auth = new Binder(ConfigurationPropertySources.get(environment))
                .bindOrCreate("chatpipe.api", ApiProperties.class).auth();

        assertThat(auth.required()).isTrue();
        assertThat(auth.keys()).singleElement().satisfies(key -> {
            assertThat(key.name()).isEqualTo("local");
            assertThat(key.secretSha256()).isEqualTo(HASH);
            assertThat(key.senders()).isEmpty();
            assertThat(key.rateLimit().messages()).isEqualTo(1000);
            assertThat(key.rateLimit().per()).isEqualTo(Duration.ofSeconds(1));
        });
    }

    @Test
    void bindsSendersAndRateLimitOfAKey() {
        ApiProperties.ApiKey key = bind(Map.of(
                "chatpipe.api.auth.keys[0].name", "shop",
                "chatpipe.api.auth.keys[0].secret-sha256", HASH,
                "chatpipe.api.auth.keys[0].senders", "shop-bot,shop-alerts",
                "chatpipe.api.auth.keys[0].rate-limit.messages", "50",
                "chatpipe.api.auth.keys[0].rate-limit.per", "1m")).auth().keys().getFirst();

        assertThat(key.senders()).containsExactly("shop-bot", "shop-alerts");
        assertThat(key.rateLimit().messages()).isEqualTo(50);
        assertThat(key.rateLimit().per()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void refusesToRequireKeysWithoutAny() {
        assertThatThrownBy(() -> bind(Map.of("chatpipe.api.auth.required", "true")))
                .isInstanceOf(BindException.class)
                .rootCause().hasMessageContaining("no chatpipe.api.auth.keys");
    }

    @Test
    void refusesTheSameSecretForTwoKeys() {
        assertThatThrownBy(() -> bind(Map.of(
                "chatpipe.api.auth.keys[0].name", "one", "chatpipe.api.auth.keys[0].secret-sha256", HASH,
                "chatpipe.api.auth.keys[1].name", "two", "chatpipe.api.auth.keys[1].secret-sha256", HASH.toUpperCase())))
                .isInstanceOf(BindException.class)
                .rootCause().hasMessageContaining("same secret");
    }

    private static ApiProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("chatpipe.api", ApiProperties.class);
    }
}
