package io.chatpipe.testsupport;

import java.util.Map;

/**
 * A real ejabberd (the distribution's package) with chatpipe's own config, started by the same
 * script as ./chatpipe run, on free loopback ports in a temporary directory. One per test JVM;
 * {@link #stop()} and {@link #start()} let a test take it down and bring it back with its data.
 */
public final class Ejabberd extends LocalXmppServer {

    private static Ejabberd shared;

    private final int clientPort = FreePorts.pick();
    private final int httpPort = FreePorts.pick();

    private Ejabberd() {
        super("stack/ejabberd/ejabberd-local", "ejabberd");
    }

    /** The test JVM's ejabberd, started on first use and stopped when the JVM exits. */
    public static synchronized Ejabberd shared() {
        if (shared == null) {
            shared = startedForThisJvm(new Ejabberd());
        }
        return shared;
    }

    @Override
    public int clientPort() {
        return clientPort;
    }

    /** mod_http_api's base URL, like {@code http://127.0.0.1:PORT/api}. */
    public String apiUrl() {
        return "http://127.0.0.1:" + httpPort + "/api";
    }

    @Override
    Map<String, String> env() {
        return Map.of("CHATPIPE_XMPP_DOMAIN", domain(),
                "CHATPIPE_XMPP_C2S_PORT", Integer.toString(clientPort),
                "CHATPIPE_XMPP_HTTP_PORT", Integer.toString(httpPort));
    }
}
