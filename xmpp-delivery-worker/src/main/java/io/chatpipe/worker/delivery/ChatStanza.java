package io.chatpipe.worker.delivery;

import io.chatpipe.events.DeliveryMark;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.worker.dispatch.DeliveryException;
import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smackx.chat_markers.element.ChatMarkersElements;
import org.jivesoftware.smackx.receipts.DeliveryReceiptRequest;
import org.jivesoftware.smackx.sid.element.OriginIdElement;

/**
 * The XMPP stanza of an accepted message: a {@code chat} message whose stanza id and XEP-0359
 * origin-id are the message id (so clients can de-duplicate an at-least-once delivery), which asks for an
 * XEP-0184 receipt and is {@code <markable/>} (XEP-0333), so that the recipient's client answers with a
 * receipt, a {@code received} and a {@code displayed} marker: the evidence that makes a conversation two-way.
 * It is marked as chatpipe's delivery ({@link DeliveryMark}), so that capture can tell its archived copy
 * from a message an XMPP user wrote, whose ids may look just like ours.
 *
 * <p>The body is escaped here, not by Smack: Smack escapes only {@code <} and {@code &} in text, so a
 * body holding {@code ]]>} would make the stanza ill-formed XML, which the server refuses. A body
 * holding a character XML 1.0 cannot carry at all (most control characters) is refused as a
 * permanent failure rather than altered.
 *
 * <p>The stanza carries no addresses: each delivery path addresses it as it must (ejabberd's
 * {@code send_stanza} takes them as arguments; a client connection adds the sender itself).
 */
public final class ChatStanza {

    private ChatStanza() {
    }

    public static Message of(MessageAccepted message) throws DeliveryException.Permanent {
        String id = message.messageId().toString();
        return StanzaBuilder.buildMessage(id)
                .ofType(Message.Type.chat)
                .addExtension(new Body(escape(message.message())))
                .addExtension(new OriginIdElement(id))
                .addExtension(new DeliveryReceiptRequest())
                .addExtension(ChatMarkersElements.MarkableExtension.INSTANCE)
                .addExtension(new Mark(id))
                .build();
    }

    /** The text as XML character data: every markup character and CR as a reference. */
    static String escape(String text) throws DeliveryException.Permanent {
        var xml = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            switch (c) {
                case '&' -> xml.append("&amp;");
                case '<' -> xml.append("&lt;");
                case '>' -> xml.append("&gt;");
                case '"' -> xml.append("&quot;");
                case '\'' -> xml.append("&apos;");
                // a literal CR would reach the recipient as LF (XML end-of-line handling)
                case '\r' -> xml.append("&#13;");
                default -> {
                    if (!xmlChar(c)) {
                        throw new DeliveryException.Permanent(String.format(
                                "the message holds U+%04X, which XML cannot carry", c));
                    }
                    xml.appendCodePoint(c);
                }
            }
            i += Character.charCount(c);
        }
        return xml.toString();
    }

    /** XML 1.0's Char production: a lone surrogate, most C0 controls and U+FFFE/U+FFFF are not. */
    private static boolean xmlChar(int c) {
        return c == 0x9 || c == 0xA || c == 0xD
                || (c >= 0x20 && c <= 0xD7FF)
                || (c >= 0xE000 && c <= 0xFFFD)
                || (c >= 0x10000 && c <= 0x10FFFF);
    }

    /** chatpipe's own mark on what it delivers: capture tells our deliveries from users' messages by it. */
    private record Mark(String messageId) implements ExtensionElement {

        @Override
        public String getNamespace() {
            return DeliveryMark.NAMESPACE;
        }

        @Override
        public String getElementName() {
            return DeliveryMark.ELEMENT;
        }

        @Override
        public CharSequence toXML(XmlEnvironment enclosing) {
            return "<" + DeliveryMark.ELEMENT + " xmlns='" + DeliveryMark.NAMESPACE + "' id='" + messageId + "'/>";
        }
    }

    /** The message body, already escaped. */
    private record Body(String escaped) implements ExtensionElement {

        @Override
        public String getNamespace() {
            return "jabber:client";
        }

        @Override
        public String getElementName() {
            return "body";
        }

        @Override
        public CharSequence toXML(XmlEnvironment enclosing) {
            return "<body>" + escaped + "</body>";
        }
    }
}
