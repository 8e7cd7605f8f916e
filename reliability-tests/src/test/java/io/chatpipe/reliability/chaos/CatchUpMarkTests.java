package io.chatpipe.reliability.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Where the chaos clients' archive catch-up starts. The ids are those of a chaos run in which a recipient saw
 * 1796669597089818 before ejabberd stopped, and 1796669646621640 and 1796669646742043 live in its new session
 * before its catch-up ran, while 1796669646174501, archived for it during the restart, never came live.
 */
class CatchUpMarkTests {

    private final CatchUpMark mark = new CatchUpMark();

    @Test
    void startsAfterTheLastIdSeenBeforeTheDropNotAfterLiveMessagesOfTheNewSession() {
        mark.seen("1796669597089818");
        mark.dropped();
        mark.seen("1796669646621640");
        mark.seen("1796669646742043");

        assertThat(mark.start().after()).isEqualTo("1796669597089818");
    }

    @Test
    void aSecondDropBeforeTheCatchUpFinishesKeepsTheFirstDropsStart() {
        mark.seen("1");
        mark.dropped();
        mark.seen("2");
        CatchUpMark.Start first = mark.start();
        mark.dropped();
        mark.seen("3");
        mark.caughtUp(first);

        assertThat(mark.start().after()).isEqualTo("1");
    }

    @Test
    void afterACatchUpTheNextDropStartsFromWhatIsSeenThen() {
        mark.seen("1");
        mark.dropped();
        mark.seen("2");
        mark.caughtUp(mark.start());
        mark.seen("3");
        mark.dropped();
        mark.seen("4");

        assertThat(mark.start().after()).isEqualTo("3");
    }

    @Test
    void aCatchUpThatFailedLeavesItsStartForTheNextOne() {
        mark.seen("1");
        mark.dropped();
        mark.seen("2");
        mark.start();   // the catch-up's query fails: caughtUp is not called
        mark.dropped();
        mark.seen("3");

        assertThat(mark.start().after()).isEqualTo("1");
    }

    @Test
    void nothingSeenBeforeTheDropStartsAtTheArchivesBeginning() {
        mark.dropped();
        mark.seen("1");

        assertThat(mark.start().after()).isNull();
    }
}
