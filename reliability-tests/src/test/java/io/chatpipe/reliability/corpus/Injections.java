package io.chatpipe.reliability.corpus;

import java.util.List;

/** Markup, stanza and template injections: text a chat user may type, which must arrive as typed. */
final class Injections {

    static final List<String> TEXTS = List.of(
            "</body><body>injected",
            "<message to='admin@localhost' type='chat'><body>forged</body></message>",
            "]]>",
            "<![CDATA[<b>not markup</b>]]>",
            "&lt;",
            "&amp;lt;",
            "&#x3C;message&#x3E;",
            "&#0;",
            "<?xml version='1.0'?>",
            "</stream:stream>",
            "<iq type='set' id='x'><query xmlns='jabber:iq:roster'><item jid='evil@localhost'/></query></iq>",
            "\"'<>&",
            "<script>alert(1)</script>",
            "<!-- a comment -->",
            "<!DOCTYPE x [<!ENTITY a 'b'>]>&a;",
            "<body xmlns='jabber:client'>",
            "</message><message to='x@localhost'>",
            "${jndi:ldap://127.0.0.1/x}",
            "{{7*7}} #{7*7} %s%n%x",
            "\\u0000 \\n not escapes",
            "<",
            "&");

    /** Ids that look like markup or JIDs; valid ids are escaped into a localpart (XEP-0106), never parsed. */
    static final List<String> IDS = List.of(
            "</body><body>",
            "x<message to='y'>",
            "]]>",
            "&lt;",
            "a&b",
            "o'neil \"q\"",
            "bob@localhost",
            "bob@localhost/resource",
            "admin@localhost/../x",
            "a:b",
            "a\\20b",
            "@",
            "/",
            "<>",
            "x'/><message to='admin@localhost'><body>owned</body></message><x a='");

    private Injections() {
    }
}
