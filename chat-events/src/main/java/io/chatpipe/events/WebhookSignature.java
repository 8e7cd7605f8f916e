package io.chatpipe.events;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code Chatpipe-Signature} header of a webhook request, in Stripe's scheme: {@code t=<unix seconds>,v1=<hex
 * HMAC-SHA256 of "<t>.<body>" under the endpoint's secret>}, so that existing verification code works.
 */
public final class WebhookSignature {

    public static final String HEADER = "Chatpipe-Signature";

    private WebhookSignature() {
    }

    /** The header's value for this body, signed now ({@code unixSeconds}) under the secret. */
    public static String sign(String secret, long unixSeconds, String body) {
        return "t=" + unixSeconds + ",v1=" + hmac(secret, unixSeconds + "." + body);
    }

    /** The hex HMAC-SHA256 of the text's UTF-8 bytes under the secret's UTF-8 bytes. */
    public static String hmac(String secret, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
