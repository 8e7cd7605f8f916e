package io.chatpipe.testsupport;

/** A real XMPP server a test can connect clients to. */
public interface XmppServer {

    String domain();

    String host();

    int clientPort();
}
