package io.chatpipe.events;

/**
 * Everything that happens in chatpipe, as the records on its topics. Each carries a schema version;
 * readers ignore fields they do not know, so a newer writer never breaks an older reader.
 */
public sealed interface ChatEvent
        permits MessageAccepted, DeliveryAttempted, UserProvisioned, MessageDeadLettered, ReadHorizonMoved,
        AccountRegistered, ContactChanged, PresenceChanged, UserErased {

    /** The schema version this code writes. */
    int SCHEMA_VERSION = 1;

    int schema();
}
