package io.chatpipe.supervisor;

import java.util.function.Supplier;

/**
 * How xmpp-capture reads the XMPP server's message archive in PostgreSQL: where, and as which role.
 *
 * @param password the capture role's password, asked for when capture starts (the database makes it on its
 *                 first start); it goes into capture's environment, never onto a command line
 */
public record ArchiveAccess(String host, int port, String database, String user, String publication,
        Supplier<String> password) {
}
