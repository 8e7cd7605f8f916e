package io.chatpipe.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A webhook event made from a record of chatpipe's topics: its type, its id, and the JSON body every endpoint
 * that hears it is sent, {@code {"id","type","createdAt","data":{...}}}, where {@code data} is the message or
 * its status as the history API shows them.
 *
 * <p>The id is derived from what the event says (type, message id, status), never drawn at random: a record read
 * twice, or a status reported twice (a message delivered again after a worker's restart, two receipts), is the
 * same event, so an integrator that de-duplicates by {@code Chatpipe-Event-Id} sees it once.
 */
public record WebhookEvent(
        String id,
        WebhookEventType type,
        String conversationId,
        Instant createdAt,
        UserId firstUser,
        UserId secondUser,
        String body) {

    /** The event of an accepted message: {@code message.received} when captured from XMPP, else {@code message.accepted}. */
    public static WebhookEvent of(MessageAccepted message) {
        WebhookEventType type = message.source() == MessageAccepted.Source.XMPP
                ? WebhookEventType.MESSAGE_RECEIVED : WebhookEventType.MESSAGE_ACCEPTED;
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("messageId", message.messageId().toString());
        data.put("conversationId", message.conversationId().value());
        data.put("fromId", message.fromId().value());
        data.put("toId", message.toId().value());
        data.put("message", message.message());
        data.put("acceptedAt", message.acceptedAt().toString());
        if (message.clientMessageId() != null) {
            data.put("clientMessageId", message.clientMessageId());
        }
        data.put("source", message.source().name().toLowerCase(Locale.ROOT));
        if (message.senderJid() != null) {
            data.put("senderJid", message.senderJid());
        }
        return build(type, message.messageId() + "|" + type.wireName(), message.conversationId(),
                message.acceptedAt(), data);
    }

    /**
     * The {@code message.status} event of a delivery report, as history shows the status: delivered (the XMPP
     * server took the message, or the recipient's archive has it), received, read or failed. A transient failure
     * (retrying) is no event: the worker keeps trying, and the message ends delivered or failed.
     */
    public static Optional<WebhookEvent> of(DeliveryAttempted report) {
        String status = switch (report.outcome()) {
            case ACCEPTED, STORED -> "delivered";
            case RECEIVED -> "received";
            case READ -> "read";
            case FAILED -> "failed";
            case RETRYING -> null;
        };
        if (status == null) {
            return Optional.empty();
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("messageId", report.messageId().toString());
        data.put("conversationId", report.conversationId().value());
        data.put("status", status);
        data.put("attempt", report.attempt());
        data.put("at", report.at().toString());
        if (report.error() != null) {
            data.put("error", report.error());
        }
        WebhookEventType type = WebhookEventType.MESSAGE_STATUS;
        return Optional.of(build(type, report.messageId() + "|" + type.wireName() + "|" + status,
                report.conversationId(), report.at(), data));
    }

    private static WebhookEvent build(WebhookEventType type, String identity, ConversationId conversation,
            Instant createdAt, Map<String, Object> data) {
        String id = "evt_" + UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8));
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("id", id);
        envelope.put("type", type.wireName());
        envelope.put("createdAt", createdAt.toString());
        envelope.put("data", data);
        return new WebhookEvent(id, type, conversation.value(), createdAt, conversation.first(), conversation.second(),
                ChatJson.MAPPER.writeValueAsString(envelope));
    }

    /** Whether this endpoint hears this event. */
    public boolean isFor(WebhookEndpoint endpoint) {
        return endpoint.wants(type, firstUser, secondUser);
    }
}
