package io.chatpipe.bench;

import io.chatpipe.bench.parts.XmppClients.XmppAddress;
import java.net.URI;

/**
 * Where the stack under test listens.
 *
 * @param worker      the xmpp-delivery-worker's base URL, for its actuator
 * @param ejabberdApi mod_http_api's base URL, like {@code http://127.0.0.1:5280/api}
 */
public record Targets(
        URI api,
        URI history,
        URI worker,
        String kafka,
        URI ejabberdApi,
        String xmppHost,
        int xmppPort,
        String xmppDomain) {

    public URI api(String path) {
        return api.resolve(path);
    }

    public URI history(String path) {
        return history.resolve(path);
    }

    public XmppAddress xmpp() {
        return new XmppAddress(xmppHost, xmppPort, xmppDomain);
    }
}
