package io.chatpipe.api.chat;

import io.chatpipe.api.config.ApiProperties;
import io.chatpipe.api.message.MessageIntake;
import io.chatpipe.api.message.MessageRequest;
import io.chatpipe.api.message.Outcome;
import io.chatpipe.api.web.FieldProblem;
import io.chatpipe.api.web.HistoryClient;
import io.chatpipe.events.ChatJson;
import io.chatpipe.events.InvalidIdException;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.UserId;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.AbstractWebSocketHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Seed 003's chat protocol over a WebSocket of a logged-in user. On open: JOIN_SUCCESS to the user (as seed
 * 003's server sends it: only this once, only about the user), and a PRESENCE "online" (ours) from each contact
 * who is online. Then, per frame from the client:
 * <ul>
 * <li>NEW_MESSAGE {@code {to, content[, clientMessageId]}}: validated and stored exactly as over REST (same
 * ids, same topic, same idempotency); this session is answered DELIVERY_STATUS SENT with its messageId, and the
 * message goes as NEW_MESSAGE to every other session of both users. ERROR when it is not valid or could not be
 * stored.
 * <li>ADD_CONTACT / UNSUBSCRIBE {@code {to}}: adds or removes a contact; echoed to all the user's sessions.
 * <li>GET_CONTACTS: answered with GET_CONTACTS whose content is a JSON array of the contacts' ids.
 * <li>GET_HISTORY {@code {to}} (ours): answered with HISTORY, the conversation's latest messages.
 * </ul>
 * Bad frames get ERROR and do not close the connection; too many of them in a minute do.
 */
@Component
class ChatSocketHandler extends AbstractWebSocketHandler {

    private static final Logger log = LoggerFactory.getLogger(ChatSocketHandler.class);
    private static final String SESSION = "chatpipe.session";
    /** Seed 000's field names as seed 003's frame calls them. */
    private static final Map<String, String> FIELDS = Map.of("fromId", "from", "toId", "to", "message", "content");

    private final ApiProperties.WebSocket settings;
    private final SessionRegistry registry;
    private final MessageIntake messages;
    private final Contacts contacts;
    private final ContactBook contactBook;
    private final PresenceBook presence;
    private final HistoryClient history;
    private final JsonMapper json;
    private final Clock clock = Clock.systemUTC();

    /** @param json the service's strict mapper (JsonConfiguration): frames are read as REST bodies are */
    ChatSocketHandler(ApiProperties properties, SessionRegistry registry, MessageIntake messages,
            Contacts contacts, ContactBook contactBook, PresenceBook presence, HistoryClient history,
            JsonMapper json) {
        this.json = json;
        this.settings = properties.websocket();
        this.registry = registry;
        this.messages = messages;
        this.contacts = contacts;
        this.contactBook = contactBook;
        this.presence = presence;
        this.history = history;
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession socket) throws Exception {
        if (socket.getAttributes().get(Handshakes.REFUSAL) instanceof Handshakes.Refusal refusal) {
            socket.sendMessage(new TextMessage(ChatJson.MAPPER.writeValueAsString(refusal.frame())));
            socket.close(refusal.status());
            return;
        }
        UserId user = (UserId) socket.getAttributes().get(Handshakes.USER);
        ChatSession session = new ChatSession(socket, user, settings);
        socket.getAttributes().put(SESSION, session);
        session.send(ChatFrame.of(ChatFrame.JOIN_SUCCESS, null, user.value(), null));
        registry.add(session);
        for (UserId contact : contactBook.contactsOf(user)) {
            if (presence.isOnline(contact)) {
                session.send(ChatFrame.presence(contact, user, true));
            }
        }
    }

    @Override
    public boolean supportsPartialMessages() {
        // parts are counted as they arrive, so an oversized frame is refused without being held in memory
        return true;
    }

    @Override
    protected void handleTextMessage(WebSocketSession socket, TextMessage message) {
        ChatSession session = session(socket);
        if (session == null) {
            return;
        }
        session.heard();
        switch (session.guard().offer(message.getPayload(), message.isLast())) {
            case FrameGuard.Incomplete incomplete -> {
            }
            case FrameGuard.Refused refused -> refuse(session, ChatFrame.error(refused.reason()));
            case FrameGuard.Complete complete -> handle(session, complete.text());
        }
    }

    @Override
    protected void handleBinaryMessage(WebSocketSession socket, BinaryMessage message) {
        ChatSession session = session(socket);
        if (session != null) {
            session.heard();
        }
        if (session != null && message.isLast()) {
            refuse(session, ChatFrame.error("binary frames are not understood: send JSON text frames"));
        }
    }

    @Override
    protected void handlePongMessage(WebSocketSession socket, PongMessage message) {
        ChatSession session = session(socket);
        if (session != null) {
            session.heard();
        }
    }

    private void handle(ChatSession session, String text) {
        InboundFrame frame;
        try {
            frame = json.readValue(text, InboundFrame.class);
        } catch (MismatchedInputException e) {
            FieldProblem problem = FieldProblem.of(e);
            refuse(session, ChatFrame.error((problem.field().equals(FieldProblem.BODY) ? "a frame" : problem.field())
                    + " " + problem.detail()));
            return;
        } catch (JacksonException e) {
            refuse(session, ChatFrame.error("not a JSON frame {\"from\",\"to\",\"content\",\"messageType\"}: "
                    + e.getOriginalMessage()));
            return;
        }
        if (frame == null || frame.messageType() == null) {
            refuse(session, ChatFrame.error("messageType is missing"));
            return;
        }
        switch (frame.messageType()) {
            case ChatFrame.NEW_MESSAGE -> newMessage(session, frame);
            case ChatFrame.ADD_CONTACT -> changeContact(session, frame, true);
            case ChatFrame.UNSUBSCRIBE -> changeContact(session, frame, false);
            case ChatFrame.GET_CONTACTS -> session.send(ChatFrame.of(ChatFrame.GET_CONTACTS, null,
                    session.user().value(), ChatJson.MAPPER.writeValueAsString(
                            contactBook.contactsOf(session.user()).stream().map(UserId::value).toList())));
            case ChatFrame.GET_HISTORY -> history(session, frame);
            default -> refuse(session, ChatFrame.error("messageType " + frame.messageType() + " is not one a client "
                    + "sends: NEW_MESSAGE, ADD_CONTACT, UNSUBSCRIBE, GET_CONTACTS or GET_HISTORY"));
        }
    }

    private void newMessage(ChatSession session, InboundFrame frame) {
        UserId user = session.user();
        if (frame.from() != null && !sameUser(frame.from(), user)) {
            refuse(session, ChatFrame.error("from must be you (" + user + ") or left out")
                    .withClientMessageId(frame.clientMessageId()));
            return;
        }
        var request = new MessageRequest(user.value(), frame.to(), frame.content(), frame.clientMessageId());
        List<FieldProblem> problems = request.problems();
        if (!problems.isEmpty()) {
            refuse(session, ChatFrame.error(problems.stream()
                    .map(problem -> field(problem.field()) + " " + problem.detail())
                    .collect(Collectors.joining("; "))).withClientMessageId(frame.clientMessageId()));
            return;
        }
        MessageAccepted message;
        try {
            message = request.accept(clock.instant());
        } catch (ErrorResponseException e) {
            reply(session, e, frame);
            return;
        }
        // before it is written: its record may come back from Kafka before the write returns
        boolean fresh = session.sending(message.messageId());
        switch (messages.accept(message)) {
            case Outcome.Accepted accepted -> {
                if (accepted.replayed() && fresh) {
                    session.notSent(message.messageId());   // stored before: no record comes back
                }
                session.send(sent(message));
            }
            case Outcome.Refused refused -> {
                if (fresh) {
                    session.notSent(message.messageId());
                }
                reply(session, refused.problem(), frame);
            }
        }
    }

    /** What the sending session gets for its message, in place of the message. */
    private static ChatFrame sent(MessageAccepted message) {
        return new ChatFrame(message.fromId().value(), message.toId().value(), null, ChatFrame.DELIVERY_STATUS,
                message.messageId().toString(), message.clientMessageId(), message.conversationId().value(),
                ChatFrame.SENT, message.acceptedAt(), null);
    }

    /** A message the service refused: the client's fault (4xx) is a strike, ours (5xx) is not. */
    private void reply(ChatSession session, ErrorResponseException problem, InboundFrame frame) {
        ChatFrame error = ChatFrame.of(ChatFrame.ERROR, null, frame.to(), problem.getBody().getDetail()
                + details(problem)).withClientMessageId(frame.clientMessageId());
        if (problem.getStatusCode().is4xxClientError()) {
            refuse(session, error);
        } else {
            session.send(error);
        }
    }

    private void changeContact(ChatSession session, InboundFrame frame, boolean add) {
        UserId owner = session.user();
        UserId contact;
        try {
            contact = UserId.of(frame.to());
        } catch (InvalidIdException e) {
            refuse(session, ChatFrame.error("to " + e.getMessage()));
            return;
        }
        if (contact.equals(owner)) {
            refuse(session, ChatFrame.error("to must be someone else"));
            return;
        }
        try {
            boolean changed = add ? contacts.add(owner, contact) : contacts.remove(owner, contact);
            if (!changed) {
                // nothing to write, so nothing comes back from Kafka: confirm to this session directly
                session.send(ChatFrame.of(frame.messageType(), owner.value(), contact.value(), null));
            }
            if (add && presence.isOnline(contact)) {
                session.send(ChatFrame.presence(contact, owner, true));
            }
        } catch (Contacts.ContactsUnavailableException e) {
            log.warn("Could not change the contacts of {}: {}", owner, e.getCause().toString());
            session.send(ChatFrame.of(ChatFrame.ERROR, null, contact.value(),
                    "contacts cannot be changed right now; try again"));
        }
    }

    private void history(ChatSession session, InboundFrame frame) {
        UserId user = session.user();
        UserId other;
        try {
            other = UserId.of(frame.to());
        } catch (InvalidIdException e) {
            refuse(session, ChatFrame.error("to " + e.getMessage()));
            return;
        }
        try {
            session.send(new ChatFrame(null, other.value(), null, ChatFrame.HISTORY, null, null, null, null, null,
                    history.conversation(user, other)));
        } catch (HistoryClient.HistoryUnavailableException e) {
            session.send(new ChatFrame(null, other.value(), e.getMessage(), ChatFrame.HISTORY, null, null, null,
                    "UNAVAILABLE", null, null));
        }
    }

    /** ERROR to a client that sent something it should not have; a close when it keeps doing so. */
    private void refuse(ChatSession session, ChatFrame error) {
        if (session.guard().strike()) {
            session.send(error);
            return;
        }
        log.info("Closing {}: too many bad frames", session);
        session.send(ChatFrame.error(error.content() + "; too many bad frames, closing the connection")
                .withClientMessageId(error.clientMessageId()));
        session.close(CloseStatus.POLICY_VIOLATION.withReason("too many bad frames"));
    }

    @Override
    public void handleTransportError(WebSocketSession socket, Throwable exception) {
        log.debug("Transport error on WebSocket {}: {}", socket.getId(), exception.toString());
    }

    @Override
    public void afterConnectionClosed(WebSocketSession socket, CloseStatus status) {
        ChatSession session = session(socket);
        if (session != null) {
            registry.remove(session);
        }
    }

    private static ChatSession session(WebSocketSession socket) {
        return (ChatSession) socket.getAttributes().get(SESSION);
    }

    private static boolean sameUser(String raw, UserId user) {
        try {
            return UserId.of(raw).equals(user);
        } catch (InvalidIdException e) {
            return false;
        }
    }

    private static String field(String path) {
        return FIELDS.getOrDefault(path, path);
    }

    /** The field problems of a problem body, in frame terms: {@code " (content: is 70000 bytes ...)"}. */
    private static String details(ErrorResponseException problem) {
        Map<String, Object> properties = problem.getBody().getProperties();
        if (properties == null || !(properties.get("errors") instanceof List<?> errors) || errors.isEmpty()) {
            return "";
        }
        return errors.stream().map(error -> error instanceof FieldProblem p
                        ? field(p.field()) + " " + p.detail() : String.valueOf(error))
                .collect(Collectors.joining("; ", " (", ")"));
    }
}
