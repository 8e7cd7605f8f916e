package io.chatpipe.worker.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.UserId;
import io.chatpipe.worker.dispatch.DeliveryException;
import java.io.StringReader;
import java.time.Instant;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;

class ChatStanzaTests {

    private static final MessageId ID = MessageId.of("3f0c3c1e-7a51-4c39-9a55-6f3f0b1d2e4a");

    @Test
    void carriesTheMessageIdAsStanzaIdAndOriginIdAsksForAReceiptAndIsMarkable() throws Exception {
        Element stanza = parse(ChatStanza.of(message("hello")).toXML().toString());

        assertThat(stanza.getTagName()).isEqualTo("message");
        assertThat(stanza.getAttribute("type")).isEqualTo("chat");
        assertThat(stanza.getAttribute("id")).isEqualTo(ID.toString());
        Element originId = (Element) stanza.getElementsByTagNameNS("urn:xmpp:sid:0", "origin-id").item(0);
        assertThat(originId).isNotNull();
        assertThat(originId.getAttribute("id")).isEqualTo(ID.toString());
        assertThat(stanza.getElementsByTagNameNS("urn:xmpp:receipts", "request").getLength()).isEqualTo(1);
        // XEP-0333: the recipient's client may answer with received and displayed markers
        assertThat(stanza.getElementsByTagNameNS("urn:xmpp:chat-markers:0", "markable").getLength()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"<b>&amp;", "]]>", "say \"hi\" & 'bye'", "<![CDATA[x]]>", "</body></message>",
            "tab\tand\nnewline", "carriage\r\nreturn", "émoji 🎉 ünïcödé", "&#60; &lt;"})
    void keepsTheBodyExactlyAsSent(String text) throws Exception {
        Element stanza = parse(ChatStanza.of(message(text)).toXML().toString());

        Element body = (Element) stanza.getElementsByTagNameNS("jabber:client", "body").item(0);
        assertThat(body.getTextContent()).isEqualTo(text);
    }

    @Test
    void escapesMarkupInTheBodyInsteadOfInterpretingIt() throws Exception {
        String xml = ChatStanza.of(message("<b>&amp;")).toXML().toString();

        assertThat(xml).contains("<body>&lt;b&gt;&amp;amp;</body>");
    }

    @ParameterizedTest
    @ValueSource(strings = {"nul\u0000", "bell\u0007", "escape\u001b[0m", "\ufffe", "lone \ud800 surrogate"})
    void refusesABodyXmlCannotCarry(String text) {
        assertThatThrownBy(() -> ChatStanza.of(message(text)))
                .isInstanceOf(DeliveryException.Permanent.class)
                .hasMessageContaining("which XML cannot carry");
    }

    @Test
    void carriesNoAddressesOfItsOwn() throws Exception {
        Element stanza = parse(ChatStanza.of(message("hello")).toXML().toString());

        assertThat(stanza.hasAttribute("from")).isFalse();
        assertThat(stanza.hasAttribute("to")).isFalse();
    }

    private static MessageAccepted message(String text) {
        return MessageAccepted.of(ID, UserId.of("alice"), UserId.of("bob"), text, Instant.now(), null);
    }

    private static Element parse(String xml) throws Exception {
        var factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml))).getDocumentElement();
    }
}
