package io.chatpipe.capture.archive;

import java.time.Instant;

/**
 * One row of an XMPP server's message archive table, whichever server wrote it ({@link ArchiveServer}): a stanza
 * kept in the archive of {@code owner}.
 *
 * @param owner      the archive owner's bare JID, as the server prepared it
 * @param archiveId  the row's id in the archive, unique per owner (ejabberd's MAM id, Prosody's item key, ...)
 * @param kind       the server's own kind of the stanza (ejabberd's chat, normal, groupchat, ...), or null when
 *                   the server keeps none
 * @param xml        the stanza as archived, or null when the row holds no stanza
 * @param archivedAt when the server archived it
 */
public record ArchiveRow(String owner, String archiveId, String kind, String xml, Instant archivedAt) {
}
