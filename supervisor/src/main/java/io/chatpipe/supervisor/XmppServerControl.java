package io.chatpipe.supervisor;

/** The XMPP server of a stack, which a fault can stop and start again with its data. */
public interface XmppServerControl {

    String domain();

    String host();

    int clientPort();

    /** mod_http_api's base URL, like {@code http://127.0.0.1:PORT/api}. */
    String apiUrl();

    /** Starts the server (again), returning once its admin API answers. */
    void start();

    /** Stops the server; accounts and offline messages stay. */
    void stop();

    /** Where xmpp-capture reads the server's message archive. */
    ArchiveAccess archive();

    /** Starts the database the server keeps its data in (ejabberd's archive), before the server; none by default. */
    default void startStorage() {
    }

    /** Stops that database, after the server. */
    default void stopStorage() {
    }
}
