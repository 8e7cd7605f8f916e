package io.chatpipe.events;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** The topic catalogue: every topic chatpipe reads or writes, with its key and value types. */
public final class Topics {

    /** Accepted messages, keyed by conversation: a conversation's order is its partition's order. */
    public static final Topic<ConversationId, MessageAccepted> MESSAGES =
            new Topic<>("chat.messages", conversationIds(), new JsonSerde<>(MessageAccepted.class));

    /** One outcome per delivery attempt, keyed by conversation. */
    public static final Topic<ConversationId, DeliveryAttempted> DELIVERIES =
            new Topic<>("chat.deliveries", conversationIds(), new JsonSerde<>(DeliveryAttempted.class));

    /** Compacted: the latest mapping of each external user id to its XMPP account. */
    public static final Topic<UserId, UserProvisioned> USERS =
            new Topic<>("chat.users", userIds(), new JsonSerde<>(UserProvisioned.class));

    /** Messages that can never be delivered, with the reason, keyed by conversation. */
    public static final Topic<ConversationId, MessageDeadLettered> DEAD_LETTERS =
            new Topic<>("chat.messages.dlq", conversationIds(), new JsonSerde<>(MessageDeadLettered.class));

    /** Read horizons: how far each user has read each conversation, keyed by conversation like its messages. */
    public static final Topic<ConversationId, ReadHorizonMoved> READS =
            new Topic<>("chat.reads", conversationIds(), new JsonSerde<>(ReadHorizonMoved.class));

    /**
     * Compacted: chat accounts, keyed by user. The first registration of a user in partition order wins;
     * the instance that wrote a losing one writes the winner again, so that compaction keeps the winner.
     */
    public static final Topic<UserId, AccountRegistered> ACCOUNTS =
            new Topic<>("chat.accounts", userIds(), new JsonSerde<>(AccountRegistered.class));

    /** Contact list changes, keyed by the owner of the list: an owner's changes stay in order. */
    public static final Topic<UserId, ContactChanged> CONTACTS =
            new Topic<>("chat.contacts", userIds(), new JsonSerde<>(ContactChanged.class));

    /** Users coming online and going offline on each api-service instance, keyed by user. */
    public static final Topic<UserId, PresenceChanged> PRESENCE =
            new Topic<>("chat.presence", userIds(), new JsonSerde<>(PresenceChanged.class));

    /**
     * Compacted: erasures of users' messages, keyed by user. Every partition holds every erasure: the writer
     * sends one record to each partition, so that the history task of each partition of chat.messages (which
     * has the same number of partitions) reads it next to the messages it erases.
     */
    public static final Topic<UserId, UserErased> ERASURES =
            new Topic<>("chat.erasures", userIds(), new JsonSerde<>(UserErased.class));

    /** Compacted: integrators' webhook endpoints, keyed by endpoint id; a deleted endpoint is a tombstone. */
    public static final Topic<String, WebhookEndpoint> WEBHOOKS =
            new Topic<>("chat.webhooks", Serdes.String(), new JsonSerde<>(WebhookEndpoint.class));

    /** Webhook events given up after their retries, keyed by endpoint id, with the reason: replayable. */
    public static final Topic<String, WebhookDelivery> WEBHOOK_DEAD_LETTERS =
            new Topic<>("chat.webhooks.dlq", Serdes.String(), new JsonSerde<>(WebhookDelivery.class));

    /** Compacted: where each webhook endpoint's deliveries stand (last success, last failure, backlog), by id. */
    public static final Topic<String, WebhookEndpointState> WEBHOOK_STATES =
            new Topic<>("chat.webhooks.state", Serdes.String(), new JsonSerde<>(WebhookEndpointState.class));

    /**
     * Which message id each client message id became, shared by the api-service's instances; its records are the
     * api-service's own, so only the name is here, for the catalogue.
     */
    public static final String IDEMPOTENCY = "chat.idempotency";

    /** The outbox of one webhook endpoint: its events waiting to be sent, in order, keyed by conversation id. */
    public static Topic<String, WebhookDelivery> webhookOutbox(String endpointId) {
        return new Topic<>("chat.webhooks.outbox." + endpointId, Serdes.String(), new JsonSerde<>(WebhookDelivery.class));
    }

    private Topics() {
    }

    private static Serde<ConversationId> conversationIds() {
        return Serdes.serdeFrom(
                (topic, id) -> id == null ? null : Serdes.String().serializer().serialize(topic, id.value()),
                (topic, bytes) -> bytes == null ? null
                        : ConversationId.of(Serdes.String().deserializer().deserialize(topic, bytes)));
    }

    private static Serde<UserId> userIds() {
        return Serdes.serdeFrom(
                (topic, id) -> id == null ? null : Serdes.String().serializer().serialize(topic, id.value()),
                (topic, bytes) -> bytes == null ? null
                        : UserId.of(Serdes.String().deserializer().deserialize(topic, bytes)));
    }
}
