package io.chatpipe.testsupport;

import java.util.HashMap;
import java.util.Map;

/**
 * A real ejabberd (the distribution's package) with chatpipe's own config, started by the same
 * script as ./chatpipe run, on free loopback ports in a temporary directory, with its message archive
 * in a PostgreSQL of its own ({@link #archive()}). One per test JVM; {@link #stop()} and {@link #start()}
 * let a test take ejabberd down and bring it back with its data, while the archive's database stays up.
 */
public final class Ejabberd extends LocalXmppServer {

    private static Ejabberd shared;

    private final int clientPort = FreePorts.pick();
    private final int httpPort = FreePorts.pick();

    private Ejabberd(Postgres archive) {
        super("stack/ejabberd/ejabberd-local", "ejabberd", archive);
    }

    /** The test JVM's ejabberd and its PostgreSQL, started on first use and stopped when the JVM exits. */
    public static synchronized Ejabberd shared() {
        if (shared == null) {
            shared = startedForThisJvm(Postgres::started, Ejabberd::new);
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
        var env = new HashMap<>(archive().serverEnv());
        env.put("CHATPIPE_XMPP_DOMAIN", domain());
        env.put("CHATPIPE_XMPP_C2S_PORT", Integer.toString(clientPort));
        env.put("CHATPIPE_XMPP_HTTP_PORT", Integer.toString(httpPort));
        return env;
    }
}
