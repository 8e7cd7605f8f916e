package io.chatpipe.api.chat;

/**
 * A frame as a client sends it: seed 003's four fields and an optional {@code clientMessageId} that makes a
 * NEW_MESSAGE idempotent, as over REST. Other fields are ignored.
 */
record InboundFrame(String from, String to, String content, String messageType, String clientMessageId) {
}
