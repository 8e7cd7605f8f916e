package io.chatpipe.bench.parts;

import io.chatpipe.events.ChatJson;
import java.io.IOException;
import java.net.URI;
import java.util.Map;

/**
 * ejabberd's admin API (mod_http_api), driven directly: the direct path ({@code send_message}, one
 * synchronous call per message), the worker's path ({@code send_stanza}), and account registration.
 */
public final class EjabberdAdmin {

    private final Http http;
    private final String apiUrl;
    private final String domain;

    public EjabberdAdmin(Http http, URI apiUrl, String domain) {
        this.http = http;
        this.apiUrl = apiUrl.toString().replaceAll("/+$", "");
        this.domain = domain;
    }

    public String jid(String localpart) {
        return localpart + "@" + domain;
    }

    /** Creates the account; one that exists already is left as it is. */
    public void register(String localpart, String password) throws IOException, InterruptedException {
        var response = http.postJson(command("register"), json(Map.of(
                "user", localpart, "host", domain, "password", password)));
        if (response.statusCode() != 200 && response.statusCode() != 409) {
            Http.expect(response, 200);
        }
    }

    /** A chat message with a body, as ejabberd builds it: one synchronous call per message. */
    public void sendMessage(String from, String to, String body) throws IOException, InterruptedException {
        Http.expect(http.postJson(command("send_message"), json(Map.of("type", "chat", "from", jid(from),
                "to", jid(to), "subject", "", "body", body))), 200);
    }

    /** The worker's delivery: a stanza of the same shape as the worker's, routed from one JID to another. */
    public void sendStanza(String from, String to, String id, String body) throws IOException, InterruptedException {
        String stanza = "<message xmlns=\"jabber:client\" id=\"" + id + "\" type=\"chat\"><body>" + body
                + "</body><origin-id xmlns=\"urn:xmpp:sid:0\" id=\"" + id + "\"/>"
                + "<request xmlns=\"urn:xmpp:receipts\"/></message>";
        Http.expect(http.postJson(command("send_stanza"), json(Map.of("from", jid(from), "to", jid(to),
                "stanza", stanza))), 200);
    }

    private URI command(String name) {
        return URI.create(apiUrl + "/" + name);
    }

    private static String json(Map<String, String> arguments) {
        return ChatJson.MAPPER.writeValueAsString(arguments);
    }
}
