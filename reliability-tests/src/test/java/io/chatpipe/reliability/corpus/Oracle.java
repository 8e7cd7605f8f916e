package io.chatpipe.reliability.corpus;

import io.chatpipe.events.InvalidIdException;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.UserId;
import java.nio.charset.StandardCharsets;

/**
 * Which inputs are valid, by chatpipe's documented rules: user ids by {@link UserId#of} (what XMPP servers
 * can hold), text by XML 1.0's characters and the 64 KiB limit. The service must agree, and never answer 5xx.
 */
final class Oracle {

    private Oracle() {
    }

    static boolean validUser(String id) {
        try {
            UserId.of(id);
            return true;
        } catch (InvalidIdException e) {
            return false;
        }
    }

    static boolean validText(String text) {
        return text != null && !text.isBlank() && text.getBytes(StandardCharsets.UTF_8).length <= MessageAccepted.MAX_MESSAGE_BYTES
                // codePoints() yields a lone surrogate as itself, which is not an XML character
                && text.codePoints().allMatch(Oracle::xmlChar);
    }

    /** XML 1.0's {@code Char} production. */
    static boolean xmlChar(int cp) {
        return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD)
                || (cp >= 0x10000 && cp <= 0x10FFFF);
    }
}
