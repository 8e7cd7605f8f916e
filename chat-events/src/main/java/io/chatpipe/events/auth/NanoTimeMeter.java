package io.chatpipe.events.auth;

import io.github.bucket4j.TimeMeter;
import java.util.function.LongSupplier;

/** Bucket4j's clock read from a {@code System::nanoTime}-like supplier, which tests replace with their own. */
record NanoTimeMeter(LongSupplier nanoTime) implements TimeMeter {

    @Override
    public long currentTimeNanos() {
        return nanoTime.getAsLong();
    }

    @Override
    public boolean isWallClockBased() {
        return false;
    }
}
