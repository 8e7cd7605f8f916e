package io.chatpipe.capture.archive;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One row of ejabberd's MAM table {@code archive}: a stanza kept in the archive of {@code owner}.
 *
 * @param owner     the archive owner's localpart (column {@code username})
 * @param archiveId the row's MAM id (column {@code timestamp}: microseconds since the epoch, unique per owner)
 * @param kind      ejabberd's kind of the stanza: chat, normal, groupchat, ...
 * @param xml       the stanza as archived
 */
public record ArchiveRow(String owner, long archiveId, String kind, String xml) {

    /** When the server archived it. */
    public Instant archivedAt() {
        return Instant.EPOCH.plus(archiveId, ChronoUnit.MICROS);
    }
}
