package io.chatpipe.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ibm.icu.text.StringPrep;
import com.ibm.icu.text.StringPrepParseException;
import org.junit.jupiter.api.Test;
import org.jxmpp.util.XmppStringUtils;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UserIdTests {

    @Test
    void plainIdIsItsOwnLocalpart() {
        assertThat(UserId.of("alice").jid("localhost")).isEqualTo("alice@localhost");
    }

    @Test
    void idsThatDifferOnlyInCaseAreOneUser() {
        assertThat(UserId.of("Alice")).isEqualTo(UserId.of("alice"));
        assertThat(UserId.of("ÄLICE").localpart()).isEqualTo("älice");
    }

    @Test
    void composedAndDecomposedFormsAreOneUser() {
        assertThat(UserId.of("e\u0301mile")).isEqualTo(UserId.of("\u00e9mile"));
    }

    @Test
    void idsTheXmppServerWouldFoldTogetherAreOneUser() {
        // ejabberd stores these under one account each: straße -> strasse, ＡＢＣ -> abc, ﬁsh -> fish
        assertThat(UserId.of("straße")).isEqualTo(UserId.of("STRASSE"));
        assertThat(UserId.of("ＡＢＣ").value()).isEqualTo("abc");
        assertThat(UserId.of("ﬁsh").value()).isEqualTo("fish");
    }

    @Test
    void refusesIdsTheXmppServerWouldRefuse() {
        // each of these is "Malformed username" to ejabberd's register command
        assertThatThrownBy(() -> UserId.of("smile\uD83D\uDE00")).isInstanceOf(InvalidIdException.class);
        assertThatThrownBy(() -> UserId.of("\u05d0\u05d11")).isInstanceOf(InvalidIdException.class);
        assertThatThrownBy(() -> UserId.of("\u2ff0x")).isInstanceOf(InvalidIdException.class);
    }

    @Test
    void charactersALocalpartCannotHoldAreEscapedByXep0106() {
        assertThat(UserId.of("ann o'neil").localpart()).isEqualTo("ann\\20o\\27neil");
        assertThat(UserId.of("a@b/c:d").localpart()).isEqualTo("a\\40b\\2fc\\3ad");
        assertThat(UserId.of("<x>&\"").localpart()).isEqualTo("\\3cx\\3e\\26\\22");
    }

    @Test
    void escapingRoundTrips() {
        for (String raw : new String[] {"ann o'neil", "a@b/c:d", "back\\slash", "user-42", "日本語"}) {
            UserId id = UserId.of(raw);
            assertThat(UserId.fromLocalpart(id.localpart())).isEqualTo(id);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "tab\there", "nul\u0000", "bidi\u202eoverride", "line\u2028sep",
            "nbsp\u00a0here", "private\ue000use"})
    void refusesIdsThatCannotBecomeALocalpart(String raw) {
        assertThatThrownBy(() -> UserId.of(raw)).isInstanceOf(InvalidIdException.class);
    }

    @Test
    void refusesOverlongIds() {
        assertThat(UserId.of("a".repeat(UserId.MAX_LENGTH)).value()).hasSize(UserId.MAX_LENGTH);
        assertThatThrownBy(() -> UserId.of("a".repeat(UserId.MAX_LENGTH + 1)))
                .isInstanceOf(InvalidIdException.class).hasMessageContaining("at most");
    }

    @Test
    void refusesNull() {
        assertThatThrownBy(() -> UserId.of(null)).isInstanceOf(InvalidIdException.class);
    }

    @Test
    void everyAsciiIdIsWhatNodeprepMakesOfIt() throws StringPrepParseException {
        StringPrep nodeprep = StringPrep.getInstance(StringPrep.RFC3920_NODEPREP);
        for (char c = ' '; c <= '~'; c++) {
            for (String raw : new String[] {c + "x", "x" + c, "a" + c + "b", "A" + c}) {
                String server = XmppStringUtils.unescapeLocalpart(
                        nodeprep.prepare(XmppStringUtils.escapeLocalpart(raw), StringPrep.DEFAULT));
                assertThat(UserId.of(raw).value()).as("id %s", raw).isEqualTo(server);
                assertThat(new UserId(server).value()).isEqualTo(server);
                // a plain id skips escaping: it must hold nothing XEP-0106 escapes
                assertThat(UserId.of(raw).localpart()).as("localpart of %s", raw)
                        .isEqualTo(XmppStringUtils.escapeLocalpart(server));
            }
        }
    }

    @Test
    void anUpperCaseIdIsNotCanonical() {
        assertThatThrownBy(() -> new UserId("Alice")).isInstanceOf(InvalidIdException.class);
    }
}
