package io.chatpipe.reliability.chaos;

/**
 * A reply a recipient's XMPP client sent back to a message's sender, once the stanza went out on its stream.
 *
 * @param recipient    the replying user's JID localpart (the recipient of the conversation)
 * @param conversation the conversation it answers in
 * @param k            its place among that conversation's replies, from 0: the order the client sent them
 */
public record SentReply(String recipient, int conversation, int k, String originId, String body) {
}
