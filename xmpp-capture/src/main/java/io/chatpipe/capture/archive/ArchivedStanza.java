package io.chatpipe.capture.archive;

import io.chatpipe.events.DeliveryMark;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * What capture needs of a message stanza as the XMPP server archived it: its addresses, type, body, and the
 * ids it carries or points at. Read with a parser that takes no DTD and resolves no entity: the text is
 * whatever an XMPP client sent.
 *
 * @param type        the stanza's type; "normal" when absent, as RFC 6121 says
 * @param body        the first body's text, or null
 * @param originId    the sender's XEP-0359 origin-id, or null
 * @param deliveredId the chatpipe message id when chatpipe's worker delivered this stanza, or null
 * @param references  receipts and chat markers this stanza carries, in order
 */
public record ArchivedStanza(String from, String to, String type, String body, String originId, String deliveredId,
                             List<Reference> references) {

    /** XEP-0184 message delivery receipts. */
    static final String RECEIPTS = "urn:xmpp:receipts";

    /** XEP-0333 chat markers. */
    static final String CHAT_MARKERS = "urn:xmpp:chat-markers:0";

    static final String STANZA_IDS = "urn:xmpp:sid:0";

    private static final XMLInputFactory XML = secureFactory();

    /** A receipt or marker for the message whose stanza id is {@code id}. */
    public record Reference(Kind kind, String id) {
    }

    public enum Kind {
        /** An XEP-0184 receipt or an XEP-0333 {@code received} marker. */
        RECEIVED,
        /** An XEP-0333 {@code displayed} or {@code acknowledged} marker. */
        DISPLAYED
    }

    /** The stanza in {@code xml}; an {@link IllegalArgumentException} when it is no message stanza. */
    public static ArchivedStanza parse(String xml) {
        try {
            XMLStreamReader reader = XML.createXMLStreamReader(new StringReader(xml));
            try {
                reader.nextTag();
                if (!"message".equals(reader.getLocalName())) {
                    throw new IllegalArgumentException("not a message stanza: <" + reader.getLocalName() + ">");
                }
                return readMessage(reader);
            } finally {
                reader.close();
            }
        } catch (XMLStreamException e) {
            throw new IllegalArgumentException("not well-formed XML: " + e.getMessage(), e);
        }
    }

    private static ArchivedStanza readMessage(XMLStreamReader reader) throws XMLStreamException {
        String from = reader.getAttributeValue(null, "from");
        String to = reader.getAttributeValue(null, "to");
        String type = reader.getAttributeValue(null, "type");
        String body = null;
        String originId = null;
        String deliveredId = null;
        var references = new ArrayList<Reference>();
        while (reader.nextTag() == XMLStreamConstants.START_ELEMENT) {   // each child of <message>
            String namespace = reader.getNamespaceURI() == null ? "" : reader.getNamespaceURI();
            String name = reader.getLocalName();
            String id = reader.getAttributeValue(null, "id");
            if (name.equals("body") && (namespace.isEmpty() || namespace.equals("jabber:client"))) {
                String text = reader.getElementText();   // consumes up to </body>
                body = body == null ? text : body;
                continue;
            }
            if (namespace.equals(STANZA_IDS) && name.equals("origin-id")) {
                originId = id;
            } else if (namespace.equals(DeliveryMark.NAMESPACE) && name.equals(DeliveryMark.ELEMENT)) {
                deliveredId = id;
            } else if (namespace.equals(RECEIPTS) && name.equals("received") && id != null) {
                references.add(new Reference(Kind.RECEIVED, id));
            } else if (namespace.equals(CHAT_MARKERS) && id != null) {
                switch (name) {
                    case "received" -> references.add(new Reference(Kind.RECEIVED, id));
                    case "displayed", "acknowledged" -> references.add(new Reference(Kind.DISPLAYED, id));
                    default -> { }   // <markable/> and anything newer
                }
            }
            skipElement(reader);
        }
        return new ArchivedStanza(from, to, type == null ? "normal" : type, body, originId, deliveredId,
                List.copyOf(references));
    }

    /** Skips to the end of the element whose start the reader is at. */
    private static void skipElement(XMLStreamReader reader) throws XMLStreamException {
        for (int depth = 1; depth > 0; ) {
            int event = reader.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                depth++;
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                depth--;
            }
        }
    }

    private static XMLInputFactory secureFactory() {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, true);
        factory.setProperty(XMLInputFactory.IS_COALESCING, true);
        return factory;
    }
}
