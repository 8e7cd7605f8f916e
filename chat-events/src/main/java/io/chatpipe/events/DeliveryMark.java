package io.chatpipe.events;

/**
 * The element by which chatpipe's worker marks each stanza it delivers,
 * {@code <delivery xmlns='urn:chatpipe:delivery:0' id='MESSAGE-ID'/>}, so that capture can tell a
 * delivery of ours in the recipient's archive (evidence that it is stored for them) from a message an
 * XMPP user wrote, whose ids may look just like ours (many clients use UUIDs as origin-ids).
 */
public final class DeliveryMark {

    public static final String NAMESPACE = "urn:chatpipe:delivery:0";

    public static final String ELEMENT = "delivery";

    private DeliveryMark() {
    }
}
