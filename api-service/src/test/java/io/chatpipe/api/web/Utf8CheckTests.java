package io.chatpipe.api.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8CheckTests {

    @Test
    void letsEveryWellFormedCharacterThroughEvenSplitAcrossReads() {
        byte[] text = "a é € \ud7ff \ue000 \uffff 😀 \udbff\udfff".getBytes(StandardCharsets.UTF_8);
        var check = new Utf8Check();
        for (int i = 0; i < text.length; i++) {
            assertThat(check.update(text, i, 1)).as("byte %d", i).isEqualTo(-1);
        }
        assertThat(check.complete()).isTrue();
    }

    @Test
    void findsTheFirstByteThatCannotBeThere() {
        assertThat(firstBad(0x61, 0xC0, 0xAF)).as("overlong '/'").isEqualTo(1);
        assertThat(firstBad(0xC1, 0xBF)).as("overlong DEL").isZero();
        assertThat(firstBad(0xE0, 0x80, 0x80)).as("overlong in three bytes").isEqualTo(1);
        assertThat(firstBad(0xF0, 0x8F, 0xBF, 0xBF)).as("overlong in four bytes").isEqualTo(1);
        assertThat(firstBad(0xED, 0xA0, 0x80)).as("a surrogate").isEqualTo(1);
        assertThat(firstBad(0xF4, 0x90, 0x80, 0x80)).as("beyond U+10FFFF").isEqualTo(1);
        assertThat(firstBad(0xF5, 0x80, 0x80, 0x80)).as("F5").isZero();
        assertThat(firstBad(0x61, 0x80)).as("a lone continuation").isEqualTo(1);
        assertThat(firstBad(0xE2, 0x82, 0x22)).as("a character cut short").isEqualTo(2);
        assertThat(firstBad(0xFF)).isZero();
    }

    @Test
    void aBodyThatEndsInsideACharacterIsNotComplete() {
        var check = new Utf8Check();
        assertThat(check.update(new byte[] {0x61, (byte) 0xE2, (byte) 0x82}, 0, 3)).isEqualTo(-1);
        assertThat(check.complete()).isFalse();
    }

    @Test
    void agreesWithTheJdksStrictDecoderOnRandomBytes() {
        var random = new Random(42);
        for (int n = 0; n < 20_000; n++) {
            byte[] bytes = new byte[1 + random.nextInt(8)];
            random.nextBytes(bytes);
            var check = new Utf8Check();
            boolean valid = check.update(bytes, 0, bytes.length) == -1 && check.complete();
            assertThat(valid).as("%s", java.util.HexFormat.ofDelimiter(" ").formatHex(bytes)).isEqualTo(strict(bytes));
        }
    }

    private static long firstBad(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return new Utf8Check().update(bytes, 0, bytes.length);
    }

    private static boolean strict(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
