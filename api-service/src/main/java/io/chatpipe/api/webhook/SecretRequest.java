package io.chatpipe.api.webhook;

/** {@code POST /api/v1/webhooks/{id}/secret}: the endpoint's new signing secret. */
record SecretRequest(String secret) {
}
