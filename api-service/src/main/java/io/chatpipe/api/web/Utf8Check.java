package io.chatpipe.api.web;

/**
 * Checks bytes as they stream by for well-formed UTF-8 (RFC 3629, Unicode table 3-7): no overlong forms
 * ({@code C0 AF} for "/"), no encoded surrogates, nothing beyond U+10FFFF, no stray or missing continuation
 * bytes. Jackson's UTF-8 reader decodes some of these leniently, so a body is checked before it reaches it.
 * One instance per body; ASCII costs one comparison a byte.
 */
final class Utf8Check {

    private long offset;
    /** Continuation bytes the current character still needs, and the range the next one must be in. */
    private int needed;
    private int lower = 0x80;
    private int upper = 0xBF;

    /** @return the offset in the body of the first byte that is not valid here, or -1 when all are */
    long update(byte[] bytes, int from, int length) {
        for (int i = from, end = from + length; i < end; i++) {
            int b = bytes[i] & 0xFF;
            if (needed == 0 ? b >= 0x80 && !lead(b) : !continuation(b)) {
                return offset + i - from;
            }
        }
        offset += length;
        return -1;
    }

    /** @return whether the body may end here: not inside a character */
    boolean complete() {
        return needed == 0;
    }

    long offset() {
        return offset;
    }

    private boolean lead(int b) {
        if (b >= 0xC2 && b <= 0xDF) {
            expect(1, 0x80, 0xBF);
        } else if (b == 0xE0) {
            expect(2, 0xA0, 0xBF);   // below A0 would be overlong
        } else if (b == 0xED) {
            expect(2, 0x80, 0x9F);   // above 9F would be a surrogate
        } else if (b >= 0xE1 && b <= 0xEF) {
            expect(2, 0x80, 0xBF);
        } else if (b == 0xF0) {
            expect(3, 0x90, 0xBF);   // below 90 would be overlong
        } else if (b == 0xF4) {
            expect(3, 0x80, 0x8F);   // above 8F would be beyond U+10FFFF
        } else if (b >= 0xF1 && b <= 0xF3) {
            expect(3, 0x80, 0xBF);
        } else {
            return false;            // a continuation byte, C0, C1 (overlong), F5 and above
        }
        return true;
    }

    private boolean continuation(int b) {
        if (b < lower || b > upper) {
            return false;
        }
        needed--;
        lower = 0x80;
        upper = 0xBF;
        return true;
    }

    private void expect(int count, int low, int high) {
        needed = count;
        lower = low;
        upper = high;
    }
}
