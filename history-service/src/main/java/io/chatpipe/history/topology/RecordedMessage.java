package io.chatpipe.history.topology;

import io.chatpipe.events.MessageAccepted;

/**
 * A message as history keeps it: the accepted event and where it sits in {@code chat.messages}, so that
 * an auditor can go from any answer straight to the record in Kafka.
 */
public record RecordedMessage(MessageAccepted message, int partition, long offset) {
}
