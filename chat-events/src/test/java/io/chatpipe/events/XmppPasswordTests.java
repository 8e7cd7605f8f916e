package io.chatpipe.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class XmppPasswordTests {

    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    @Test
    void isTheBase64urlHmacOfTheLocalpart() {
        // printf 'xmpp-password:alice' | openssl dgst -sha256 -hmac KEY -binary | base64 | tr '+/' '-_' | tr -d '='
        assertThat(XmppPassword.derive(KEY, UserId.of("alice"))).isEqualTo("qFp4mOVwQt0P2u01Tb3BRaqg6f8nJ4dTFQ00lcBKs44");
        assertThat(XmppPassword.derive(KEY, UserId.of("ALICE"))).isEqualTo(XmppPassword.derive(KEY, UserId.of("alice")));
    }

    @Test
    void differsBetweenUsersAndBetweenKeys() {
        byte[] otherKey = Arrays.copyOf(KEY, KEY.length);
        otherKey[0] ^= 1;

        assertThat(XmppPassword.derive(KEY, UserId.of("alice"))).isNotEqualTo(XmppPassword.derive(KEY, UserId.of("bob")));
        assertThat(XmppPassword.derive(KEY, UserId.of("alice"))).isNotEqualTo(XmppPassword.derive(otherKey, UserId.of("alice")));
    }

    @Test
    void refusesAShortKey() {
        assertThatThrownBy(() -> XmppPassword.derive(new byte[16], UserId.of("alice")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
