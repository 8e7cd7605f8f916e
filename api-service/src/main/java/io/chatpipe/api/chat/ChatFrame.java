package io.chatpipe.api.chat;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chatpipe.events.UserId;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * One JSON frame of the chat WebSocket: seed 003's {@code {"from", "to", "content", "messageType"}}, and
 * fields of ours that seed 003's client ignores. Fields without a value are left out, as seed 003 does.
 *
 * @param messageId       the message a NEW_MESSAGE or DELIVERY_STATUS frame is about
 * @param clientMessageId the sender's own id of a message, on frames to the sender only
 * @param conversationId  the conversation of a message
 * @param status          DELIVERY_STATUS: SENT (chatpipe took it: Kafka has it; to the session that sent it),
 *                        ACCEPTED (the XMPP server took it) or STORED (the recipient's archive holds it), both
 *                        delivered; RECEIVED, READ, RETRYING or FAILED; HISTORY: UNAVAILABLE when history could
 *                        not be had
 * @param at              when the message was accepted, or the delivery attempted
 * @param messages        HISTORY: the conversation's messages, oldest first, as history-service shows them
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ChatFrame(
        String from,
        String to,
        String content,
        String messageType,
        String messageId,
        String clientMessageId,
        String conversationId,
        String status,
        Instant at,
        JsonNode messages) {

    public static final String NEW_MESSAGE = "NEW_MESSAGE";
    /** Seed 003's: this session is logged in. Never about anyone else: seed 003's client takes it as its login. */
    public static final String JOIN_SUCCESS = "JOIN_SUCCESS";
    public static final String ERROR = "ERROR";
    public static final String FORBIDDEN = "FORBIDDEN";
    public static final String ADD_CONTACT = "ADD_CONTACT";
    public static final String GET_CONTACTS = "GET_CONTACTS";
    public static final String UNSUBSCRIBE = "UNSUBSCRIBE";
    /**
     * Ours: where a message stands: an attempt's outcome, or evidence from the recipient's side; to the session
     * that sent it, first that chatpipe took it (SENT), in place of the message itself, which seed 003's client
     * would draw a second time.
     */
    public static final String DELIVERY_STATUS = "DELIVERY_STATUS";
    /** The status of a DELIVERY_STATUS to the sending session: chatpipe took the message (Kafka has it). */
    public static final String SENT = "SENT";
    /**
     * Ours: a contact came online ({@code content} "online") or went offline ("offline"). Not seed 003's LEAVE,
     * which its client takes as its own logout, nor its JOIN_SUCCESS.
     */
    public static final String PRESENCE = "PRESENCE";
    public static final String ONLINE = "online";
    public static final String OFFLINE = "offline";
    /** Ours: asks for (and answers with) the history of the conversation with {@code to}. */
    public static final String GET_HISTORY = "GET_HISTORY";
    public static final String HISTORY = "HISTORY";

    /** A frame of seed 003's four fields. */
    public static ChatFrame of(String messageType, String from, String to, String content) {
        return new ChatFrame(from, to, content, messageType, null, null, null, null, null, null);
    }

    /** That {@code contact} is online or offline, to {@code owner}, who has them among their contacts. */
    public static ChatFrame presence(UserId contact, UserId owner, boolean online) {
        return of(PRESENCE, contact.value(), owner.value(), online ? ONLINE : OFFLINE);
    }

    public static ChatFrame error(String content) {
        return of(ERROR, null, null, content);
    }

    public ChatFrame withClientMessageId(String id) {
        return new ChatFrame(from, to, content, messageType, messageId, id, conversationId, status, at, messages);
    }
}
