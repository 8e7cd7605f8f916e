package io.chatpipe.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.text.Normalizer;
import java.util.Locale;
import org.jxmpp.jid.parts.Localpart;
import org.jxmpp.stringprep.XmppStringprepException;
import org.jxmpp.util.XmppStringUtils;

/**
 * An external user id, as applications name their users, in canonical form.
 *
 * <p>User ids are case-insensitive. XMPP folds the case of a localpart (RFC 7622's
 * UsernameCaseMapped profile), so "Alice" and "alice" can only ever be one XMPP account; we fold
 * case at the door (Unicode NFC, then lower case) so that they are also one user in Kafka, one
 * conversation and one history, instead of two users that silently share a mailbox.
 *
 * <p>Characters a localpart cannot hold ({@code " & ' / : < > @}, space and backslash) are
 * escaped by XEP-0106 in {@link #localpart()}; control and format characters are refused.
 */
public record UserId(String value) implements Comparable<UserId> {

    /** Longest external id we accept, in characters; its localpart always fits RFC 7622's 1023 bytes. */
    public static final int MAX_LENGTH = 255;

    public UserId {
        if (value == null || value.isBlank()) {
            throw new InvalidIdException("must not be blank");
        }
        if (value.length() > MAX_LENGTH) {
            throw new InvalidIdException("must be at most " + MAX_LENGTH + " characters");
        }
        if (!value.equals(canonical(value))) {
            throw new InvalidIdException("must be in canonical form; use UserId.of");
        }
        value.codePoints().filter(UserId::forbidden).findFirst().ifPresent(cp -> {
            throw new InvalidIdException(String.format("must not contain U+%04X", cp));
        });
        try {
            Localpart.from(XmppStringUtils.escapeLocalpart(value));
        } catch (XmppStringprepException e) {
            throw new InvalidIdException("cannot become a JID localpart: " + e.getMessage());
        }
    }

    /** Parses an id as a client sent it: folds its case and checks that it can become a JID. */
    @JsonCreator
    public static UserId of(String raw) {
        if (raw == null) {
            throw new InvalidIdException("must not be blank");
        }
        return new UserId(canonical(raw));
    }

    /** The JID localpart, XEP-0106-escaped: {@code "ann o'neil"} becomes {@code ann\20o\27neil}. */
    public String localpart() {
        return XmppStringUtils.escapeLocalpart(value);
    }

    /** The bare JID on the given XMPP domain. */
    public String jid(String domain) {
        return localpart() + "@" + domain;
    }

    /** The user a localpart of ours stands for; the inverse of {@link #localpart()}. */
    public static UserId fromLocalpart(String localpart) {
        return of(XmppStringUtils.unescapeLocalpart(localpart));
    }

    @JsonValue
    @Override
    public String value() {
        return value;
    }

    @Override
    public int compareTo(UserId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }

    private static String canonical(String raw) {
        return Normalizer.normalize(raw, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
    }

    private static boolean forbidden(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                 Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> true;
            case Character.SPACE_SEPARATOR -> cp != ' ';
            default -> false;
        };
    }
}
