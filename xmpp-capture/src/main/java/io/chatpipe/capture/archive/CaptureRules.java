package io.chatpipe.capture.archive;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.DeliveryAttempted;
import io.chatpipe.events.InvalidIdException;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.ReadHorizonMoved;
import io.chatpipe.events.UserId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What an archive row becomes. ejabberd and Prosody keep one row per archive owner, so a message between two
 * local users is archived twice: capture reads only the recipient's row (the stanza's {@code from} is not the
 * owner), which is also the row that exists when the sender is elsewhere, and the one that proves a
 * delivery of ours is stored for its recipient (Openfire's one row per message is read as the recipient's).
 * In that row:
 * <ul>
 *   <li>chatpipe's own delivery ({@link io.chatpipe.events.DeliveryMark}) is evidence that it is stored;</li>
 *   <li>a receipt or chat marker is evidence that the referenced message was received or read, and a
 *       displayed marker also moves the reader's read horizon;</li>
 *   <li>a body from anyone else is a reply, with an id derived from the stanza: its sender's XEP-0359
 *       origin-id (unique by that XEP, and kept when a client sends the stanza again) or, lacking one, the
 *       row's own archive id.</li>
 * </ul>
 * Everything else is skipped with a reason: the sender's own copy, group chat, headlines, errors, users
 * chatpipe does not know, archives of users on another domain, senders on another domain (chatpipe's ids live
 * on one XMPP domain), bodies over {@link MessageAccepted#MAX_MESSAGE_BYTES}, and ids that name no chatpipe
 * message.
 */
public final class CaptureRules {

    /** Stanza types that carry a person's chat message; groupchat, headline and error do not. */
    private static final Set<String> CHAT_TYPES = Set.of("chat", "normal");

    private final String domain;

    private final Users known;

    /** chatpipe's users, as capture knows them. */
    public interface Users {

        /**
         * Whether a user is one of chatpipe's (provisioned, or with a chat account), as far as everything written
         * about users before {@code archivedAt}, the time of the row that asks, tells.
         */
        boolean knows(UserId user, Instant archivedAt);

        /**
         * Whether everything the users' topics held when capture started has been read (a set of users known
         * from the start has nothing to read).
         */
        default boolean caughtUpOnce() {
            return true;
        }
    }

    /**
     * @param domain the XMPP domain chatpipe's users live on
     * @param known  chatpipe's users
     */
    public CaptureRules(String domain, Users known) {
        this.domain = domain;
        this.known = known;
    }

    public List<Capture> apply(ArchiveRow row) {
        Jid owner = Jid.parse(row.owner());
        if (owner == null || !owner.domain().equals(domain)) {
            return skip("foreign-archive", "the archive of " + row.owner());
        }
        if (row.xml() == null) {
            return skip("unreadable", "no stanza in the row");
        }
        ArchivedStanza stanza;
        try {
            stanza = ArchivedStanza.parse(row.xml());
        } catch (IllegalArgumentException e) {
            return skip("unreadable", e.getMessage());
        }
        Jid from = Jid.parse(stanza.from());
        if (from == null) {
            return skip("unreadable", "no sender address");
        }
        if (from.bare().equals(owner.bare())) {
            return skip("outgoing", "the sender's own copy");
        }
        if (!CHAT_TYPES.contains(stanza.type()) || (row.kind() != null && !CHAT_TYPES.contains(row.kind()))) {
            return skip("not-chat", "a " + stanza.type() + " stanza");
        }
        if (!from.domain().equals(domain)) {
            return skip("foreign-domain", "from " + from.domain());
        }
        UserId recipient;
        UserId sender;
        try {
            recipient = UserId.fromLocalpart(owner.local());
            sender = UserId.fromLocalpart(from.local());
        } catch (InvalidIdException e) {
            return skip("invalid-user", e.getMessage());
        }
        ConversationId conversation = ConversationId.between(sender, recipient);
        if (stanza.deliveredId() != null) {
            // chatpipe's own delivery: its recipient is chatpipe's, whether or not capture has read so yet
            MessageId delivered = messageId(stanza.deliveredId());
            return delivered == null ? skip("unreadable", "a delivery mark without a message id")
                    : List.of(new Capture.Evidence(DeliveryAttempted.evidence(delivered, conversation,
                            DeliveryAttempted.Outcome.STORED, row.archivedAt())));
        }
        if (!known.knows(recipient, row.archivedAt())) {
            return skip("unknown-recipient", "a user chatpipe does not know");
        }
        var captured = new ArrayList<Capture>(2);
        if (stanza.body() != null) {
            captured.add(reply(row, stanza, from, sender, recipient));
        }
        for (ArchivedStanza.Reference reference : stanza.references()) {
            MessageId referenced = messageId(reference.id());
            if (referenced == null) {
                continue;   // a receipt for a message of the client's own, not one of ours
            }
            switch (reference.kind()) {
                case RECEIVED -> captured.add(new Capture.Evidence(DeliveryAttempted.evidence(referenced, conversation,
                        DeliveryAttempted.Outcome.RECEIVED, row.archivedAt())));
                case DISPLAYED -> {
                    captured.add(new Capture.Evidence(DeliveryAttempted.evidence(referenced, conversation,
                            DeliveryAttempted.Outcome.READ, row.archivedAt())));
                    captured.add(new Capture.Read(ReadHorizonMoved.of(conversation, sender, referenced,
                            row.archivedAt())));
                }
            }
        }
        return captured.isEmpty() ? skip("nothing", "no body, receipt or marker for a chatpipe message") : captured;
    }

    private Capture reply(ArchiveRow row, ArchivedStanza stanza, Jid from, UserId sender, UserId recipient) {
        String body = stanza.body();
        if (body.isBlank()) {
            return new Capture.Skipped("empty", "a blank body");
        }
        if (body.getBytes(StandardCharsets.UTF_8).length > MessageAccepted.MAX_MESSAGE_BYTES) {
            return new Capture.Skipped("too-large", "a body over " + MessageAccepted.MAX_MESSAGE_BYTES + " bytes");
        }
        String stanzaKey = stanza.originId() != null && !stanza.originId().isBlank()
                ? from.bare() + "\u0000origin-id\u0000" + stanza.originId()
                : row.owner() + "\u0000archive\u0000" + row.archiveId();
        return new Capture.Reply(MessageAccepted.captured(MessageId.forCapturedStanza(stanzaKey), sender, recipient,
                body, row.archivedAt(), stanza.from()));
    }

    /** The chatpipe message id in a stanza id, or null when it cannot be one. */
    private static MessageId messageId(String id) {
        try {
            return MessageId.of(id);
        } catch (InvalidIdException e) {
            return null;
        }
    }

    private static List<Capture> skip(String reason, String detail) {
        return List.of(new Capture.Skipped(reason, detail));
    }

    /** The parts of a JID capture looks at; localpart and domain as the server prepared them. */
    record Jid(String local, String domain, String bare) {

        static Jid parse(String jid) {
            if (jid == null || jid.isBlank()) {
                return null;
            }
            int slash = jid.indexOf('/');
            String bare = slash < 0 ? jid : jid.substring(0, slash);
            int at = bare.indexOf('@');
            if (at <= 0 || at == bare.length() - 1) {
                return null;   // a server or component address: no user sent it
            }
            return new Jid(bare.substring(0, at), bare.substring(at + 1), bare);
        }
    }
}
