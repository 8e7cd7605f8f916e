package io.chatpipe.events.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ApiKeyRingTests {

    @Test
    void findsAKeyByItsSecretWhateverTheCaseOfTheConfiguredHash() {
        var ring = new ApiKeyRing<String>().add(ApiKeyRing.sha256("s3cret").toUpperCase(), "reporting");

        assertThat(ring.find("s3cret")).contains("reporting");
        assertThat(ring.find("S3cret")).isEmpty();
        assertThat(ring.find(null)).isEmpty();
    }

    @Test
    void hashesAsSha256OfUtf8InHex() {
        assertThat(ApiKeyRing.sha256("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void refusesAHashThatIsNotOneAndTwoKeysWithOneSecret() {
        var ring = new ApiKeyRing<String>().add(ApiKeyRing.sha256("a"), "one");

        assertThatThrownBy(() -> ring.add("not-a-hash", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ring.add(ApiKeyRing.sha256("a"), "two")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsBearerAndBasicHeaders() {
        String basic = "Basic " + Base64.getEncoder().encodeToString("alice:pa:ss".getBytes(StandardCharsets.UTF_8));

        assertThat(ApiKeyRing.bearerToken("bearer  k-1 ")).contains("k-1");
        assertThat(ApiKeyRing.bearerToken("Basic k-1")).isEmpty();
        assertThat(ApiKeyRing.bearerToken("Bearer ")).isEmpty();
        assertThat(ApiKeyRing.basicCredentials(basic))
                .contains(new ApiKeyRing.BasicCredentials("alice", "pa:ss"));
        assertThat(ApiKeyRing.basicCredentials("Basic !!!")).isEmpty();
        assertThat(ApiKeyRing.basicCredentials("Basic " + Base64.getEncoder().encodeToString("nocolon".getBytes())))
                .isEmpty();
        assertThat(ApiKeyRing.basicCredentials(basic).orElseThrow().toString()).doesNotContain("pa:ss");
    }
}
