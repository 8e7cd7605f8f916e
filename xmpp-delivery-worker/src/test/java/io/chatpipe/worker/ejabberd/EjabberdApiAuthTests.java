package io.chatpipe.worker.ejabberd;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.worker.config.WorkerProperties.ApiAuth;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** How the worker proves itself to mod_http_api, and that it never shows the secret. */
class EjabberdApiAuthTests {

    @Test
    void sendsNoCredentialsWhenNoneAreConfigured() {
        assertThat(EjabberdApi.authorization(new ApiAuth(null, null, null))).isNull();
    }

    @Test
    void sendsBasicCredentials() {
        String header = EjabberdApi.authorization(new ApiAuth("admin@localhost", "s3cret", null));

        assertThat(header).startsWith("Basic ");
        assertThat(new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8))
                .isEqualTo("admin@localhost:s3cret");
    }

    @Test
    void sendsAnOAuthToken() {
        assertThat(EjabberdApi.authorization(new ApiAuth(null, null, "t0ken"))).isEqualTo("Bearer t0ken");
    }

    @Test
    void neverShowsTheSecretsInItsDescription() {
        assertThat(new ApiAuth("admin@localhost", "s3cret", null).toString()).doesNotContain("s3cret");
        assertThat(new ApiAuth(null, null, "t0ken").toString()).doesNotContain("t0ken");
    }
}
