package io.chatpipe.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.ibm.icu.text.StringPrep;
import com.ibm.icu.text.StringPrepParseException;
import org.jxmpp.jid.parts.Localpart;
import org.jxmpp.stringprep.XmppStringprepException;
import org.jxmpp.util.XmppStringUtils;

/**
 * An external user id, as applications name their users, in canonical form.
 *
 * <p>An id is canonical when it is what the XMPP server will make of it. XMPP servers prepare a
 * localpart before storing it (ejabberd and Prosody with stringprep's Nodeprep: case folding,
 * compatibility normalization such as {@code ß -> ss} and full-width letters to ASCII), so
 * "Alice", "ALICE" and "alice" can only ever be one XMPP account. We apply the same preparation at
 * the door, so they are also one user in Kafka, one conversation and one history, never two users
 * that silently share a mailbox. Ids the server would refuse (control and format characters,
 * characters unassigned in stringprep's Unicode 3.2 such as emoji, mixed-direction text) are
 * refused here, as a 400, rather than failing later at delivery.
 *
 * <p>Characters a localpart cannot hold ({@code " & ' / : < > @}, space and backslash) are
 * escaped by XEP-0106 in {@link #localpart()}.
 */
public record UserId(String value) implements Comparable<UserId> {

    /** Longest external id we accept, in characters; its localpart always fits RFC 7622's 1023 bytes. */
    public static final int MAX_LENGTH = 255;

    /** RFC 3920's Nodeprep; ICU's StringPrep instances are immutable and thread-safe. */
    private static final StringPrep NODEPREP = StringPrep.getInstance(StringPrep.RFC3920_NODEPREP);

    /** What XEP-0106 escapes in a localpart (space aside). */
    private static final String ESCAPED_BY_XEP_0106 = "\"&'/:<>@\\";

    /** The characters of a plain id ({@link #plainAscii}) as bits: code points 0-63, then 64-127. */
    private static final long PLAIN_0_63 = plainBits(0);
    private static final long PLAIN_64_127 = plainBits(64);

    public UserId {
        checkLength(value);
        if (!plainAscii(value)) {
            checkCharacters(value);
            if (!value.equals(canonical(value))) {
                throw new InvalidIdException("must be in canonical form; use UserId.of");
            }
            try {
                Localpart.from(XmppStringUtils.escapeLocalpart(value));
            } catch (XmppStringprepException e) {
                throw new InvalidIdException("cannot become a JID localpart: " + e.getMessage());
            }
        }
    }

    /** Parses an id as a client sent it: folds its case and checks that it can become a JID. */
    @JsonCreator
    public static UserId of(String raw) {
        checkLength(raw);
        if (plainAscii(raw)) {
            return new UserId(raw);
        }
        checkCharacters(raw);   // before escaping, which would quietly turn a tab into a space
        return new UserId(canonical(raw));
    }

    /** The JID localpart, XEP-0106-escaped: {@code "ann o'neil"} becomes {@code ann\20o\27neil}. */
    public String localpart() {
        return plainAscii(value) ? value : XmppStringUtils.escapeLocalpart(value);
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

    /** Whether a localpart is a plain id's (see {@link #plainAscii}): then it is canonical as it is. */
    static boolean plainLocalpart(String localpart) {
        return !localpart.isEmpty() && localpart.length() <= MAX_LENGTH && plainAscii(localpart);
    }

    private static void checkLength(String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidIdException("must not be blank");
        }
        if (value.length() > MAX_LENGTH) {
            throw new InvalidIdException("must be at most " + MAX_LENGTH + " characters");
        }
    }

    /**
     * Whether an id is printable ASCII without upper case and without a character XEP-0106 escapes: such
     * an id is canonical as it is (Nodeprep maps, normalizes and refuses nothing of it), which is most ids,
     * so they skip stringprep, the costliest step of taking a message in. Such an id is also its own
     * localpart.
     */
    private static boolean plainAscii(String value) {
        // a look-up in two words: it runs several times for each message taken in (a search of the escaped
        // characters for each character was a tenth of the api-service's CPU taking in batches)
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            long plain = c < 64 ? PLAIN_0_63 : c < 128 ? PLAIN_64_127 : 0;
            if ((plain & (1L << c)) == 0) {   // a long shifts by c mod 64
                return false;
            }
        }
        return true;
    }

    private static long plainBits(int first) {
        long bits = 0;
        for (char c = (char) first; c < first + 64; c++) {
            if (c > ' ' && c <= '~' && !(c >= 'A' && c <= 'Z') && ESCAPED_BY_XEP_0106.indexOf(c) < 0) {
                bits |= 1L << c;
            }
        }
        return bits;
    }

    private static void checkCharacters(String value) {
        value.codePoints().filter(UserId::forbidden).findFirst().ifPresent(cp -> {
            throw new InvalidIdException(String.format("must not contain U+%04X", cp));
        });
    }

    /** Nodeprep of the XEP-0106-escaped id, unescaped again: what the XMPP server will store. */
    private static String canonical(String raw) {
        try {
            // DEFAULT refuses code points unassigned in Unicode 3.2, as the server does
            String prepared = NODEPREP.prepare(XmppStringUtils.escapeLocalpart(raw), StringPrep.DEFAULT);
            return XmppStringUtils.unescapeLocalpart(prepared);
        } catch (StringPrepParseException e) {
            throw new InvalidIdException("cannot become a JID localpart (" + e.getMessage() + ")");
        }
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
