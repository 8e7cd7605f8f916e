package io.chatpipe.reliability.chaos;

/**
 * A chat message one of the recipients' XMPP clients received.
 *
 * @param recipient the receiving user's JID localpart
 * @param stanzaId  the stanza's {@code id}
 * @param originId  XEP-0359's origin-id, or null
 * @param from      the bare JID it came from
 * @param arrival   its place in everything this recipient received, from 0
 */
public record ReceivedStanza(String recipient, String stanzaId, String originId, String from, String body,
        long arrival) {

    /** The message id chatpipe put on it: the origin-id, else the stanza id. */
    public String messageId() {
        return originId != null ? originId : stanzaId;
    }
}
