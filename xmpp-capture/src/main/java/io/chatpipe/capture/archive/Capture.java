package io.chatpipe.capture.archive;

import io.chatpipe.events.DeliveryAttempted;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.ReadHorizonMoved;

/** What one archived stanza becomes in Kafka, or why it becomes nothing. */
public sealed interface Capture {

    /** A message an XMPP user sent to a chatpipe user: to {@code chat.messages}. */
    record Reply(MessageAccepted message) implements Capture {
    }

    /** Stored, received or read: to {@code chat.deliveries}. */
    record Evidence(DeliveryAttempted evidence) implements Capture {
    }

    /** A displayed marker moves its reader's read horizon: to {@code chat.reads}. */
    record Read(ReadHorizonMoved horizon) implements Capture {
    }

    /** Nothing to capture; {@code reason} is the metric's tag and the log line's word. */
    record Skipped(String reason, String detail) implements Capture {
    }
}
