package io.chatpipe.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/** What an integrator's webhook endpoint can subscribe to. */
public enum WebhookEventType {

    /** A message an XMPP user wrote in a client of their own, captured from the XMPP server's archive. */
    MESSAGE_RECEIVED("message.received"),
    /** A message's delivery moved: delivered, received, read or failed. */
    MESSAGE_STATUS("message.status"),
    /** A message the api-service took in (REST or WebSocket). */
    MESSAGE_ACCEPTED("message.accepted");

    private final String wireName;

    WebhookEventType(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** The type of this name, if it is one. */
    public static Optional<WebhookEventType> find(String name) {
        return Arrays.stream(values()).filter(type -> type.wireName.equals(name)).findFirst();
    }

    @JsonCreator
    static WebhookEventType of(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("unknown webhook event type " + name));
    }
}
