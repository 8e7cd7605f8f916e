package io.chatpipe.api.webhook;

import java.util.List;

/**
 * {@code POST /api/v1/webhooks}: where to send which events, and the secret to sign them with.
 *
 * @param users the users whose messages the endpoint hears (as sender or recipient); absent or empty for all
 */
record WebhookRequest(String url, String secret, List<String> events, List<String> users) {
}
