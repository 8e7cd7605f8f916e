package io.chatpipe.reliability.corpus;

/**
 * What the recipient's XMPP client must show for an accepted case: exactly the text sent, from exactly the
 * sender named, however much markup the text or the ids hold.
 *
 * @param recipient the user id of the online recipient
 * @param sender    the user id the message was sent as
 * @param text      the message text as sent
 */
record Literal(String recipient, String sender, String text) {
}
