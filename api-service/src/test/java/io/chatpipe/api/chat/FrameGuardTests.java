package io.chatpipe.api.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.api.config.ApiProperties;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class FrameGuardTests {

    private final FrameGuard guard = new FrameGuard(new ApiProperties.WebSocket(List.of(), false,
            DataSize.ofBytes(10), 1, 2, 2, Duration.ofSeconds(30), Duration.ofSeconds(10), DataSize.ofMegabytes(1),
            Duration.ofMinutes(5)));

    @Test
    void assemblesAFrameFromItsPartsWithinTheLimit() {
        assertThat(guard.offer("{\"a\":", false)).isInstanceOf(FrameGuard.Incomplete.class);
        assertThat(guard.offer("1}", true)).isEqualTo(new FrameGuard.Complete("{\"a\":1}"));
    }

    @Test
    void refusesAFrameOverTheLimitCountingUtf8BytesAndServesTheNextOne() {
        assertThat(guard.offer("ééééé", false)).isInstanceOf(FrameGuard.Incomplete.class);
        assertThat(guard.offer("é", true)).isInstanceOf(FrameGuard.Refused.class);
        assertThat(guard.offer("{}", true)).isEqualTo(new FrameGuard.Complete("{}"));
    }

    @Test
    void refusesFramesBeyondTheBurst() {
        assertThat(guard.offer("{}", true)).isInstanceOf(FrameGuard.Complete.class);
        assertThat(guard.offer("{}", true)).isInstanceOf(FrameGuard.Complete.class);
        assertThat(guard.offer("{}", true)).isEqualTo(new FrameGuard.Refused("too many frames: slow down"));
    }

    @Test
    void allowsAsManyStrikesAsConfiguredBeforeTheClose() {
        assertThat(guard.strike()).isTrue();
        assertThat(guard.strike()).isTrue();
        assertThat(guard.strike()).isFalse();
    }
}
