package io.chatpipe.reliability.chaos;

/**
 * A chat message one of the recipients' XMPP clients received.
 *
 * @param recipient   the receiving user's JID localpart
 * @param stanzaId    the stanza's {@code id}
 * @param originId    XEP-0359's origin-id, or null
 * @param from        the bare JID it came from
 * @param arrival     its place in everything this recipient received, from 0
 * @param archiveId   the id of the recipient's archive row (XEP-0359 stanza-id by the recipient, or the MAM
 *                    result id), or null when the server gave none
 * @param fromArchive whether the client fetched it from its archive (MAM) after a reconnect, because the live
 *                    session never brought it
 */
public record ReceivedStanza(String recipient, String stanzaId, String originId, String from, String body,
        long arrival, String archiveId, boolean fromArchive) {

    /** The message id chatpipe put on it: the origin-id, else the stanza id. */
    public String messageId() {
        return originId != null ? originId : stanzaId;
    }

    /** The archive id as a number (ejabberd's are microsecond timestamps, rising), or -1 when it is none. */
    long archivePosition() {
        if (archiveId == null) {
            return -1;
        }
        try {
            return Long.parseLong(archiveId);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
