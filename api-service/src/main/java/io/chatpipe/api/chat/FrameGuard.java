package io.chatpipe.api.chat;

import io.chatpipe.api.config.ApiProperties;
import io.github.bucket4j.Bucket;
import java.time.Duration;

/**
 * One connection's limits: frames are assembled from their parts up to the size limit (a larger one is
 * discarded as it arrives, never held), then let through at the configured rate. Each refusal is a strike;
 * a connection that earns more strikes in a minute than allowed is closed. Called by one thread at a time:
 * the container delivers a connection's frames in order.
 */
final class FrameGuard {

    /** What to do with what has arrived so far. */
    sealed interface Verdict {
    }

    /** A part of a frame; more follow. */
    record Incomplete() implements Verdict {
    }

    /** A whole frame, within the limits. */
    record Complete(String text) implements Verdict {
    }

    /** A frame the connection must be told off for. */
    record Refused(String reason) implements Verdict {
    }

    private final long maxBytes;
    private final Bucket frames;
    private final Bucket strikes;
    private final StringBuilder frame = new StringBuilder();
    private long frameBytes;
    private boolean oversized;

    FrameGuard(ApiProperties.WebSocket settings) {
        this.maxBytes = settings.maxFrameSize().toBytes();
        this.frames = Bucket.builder()
                .addLimit(limit -> limit.capacity(settings.burst())
                        .refillGreedy(settings.framesPerSecond(), Duration.ofSeconds(1)))
                .build();
        this.strikes = Bucket.builder()
                .addLimit(limit -> limit.capacity(settings.maxStrikes())
                        .refillGreedy(settings.maxStrikes(), Duration.ofMinutes(1)))
                .build();
    }

    Verdict offer(String part, boolean last) {
        if (!oversized) {
            frameBytes += utf8Length(part);
            if (frameBytes > maxBytes) {
                oversized = true;
                frame.setLength(0);
                frame.trimToSize();
            } else {
                frame.append(part);
            }
        }
        if (!last) {
            return new Incomplete();
        }
        boolean tooLarge = oversized;
        String text = frame.toString();
        frame.setLength(0);
        frameBytes = 0;
        oversized = false;
        if (tooLarge) {
            return new Refused("the frame is larger than " + maxBytes + " bytes");
        }
        if (!frames.tryConsume(1)) {
            return new Refused("too many frames: slow down");
        }
        return new Complete(text);
    }

    /** Counts a strike against the connection; false when it has had too many and must be closed. */
    boolean strike() {
        return strikes.tryConsume(1);
    }

    private static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
