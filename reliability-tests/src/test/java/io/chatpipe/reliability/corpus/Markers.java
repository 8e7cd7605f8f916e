package io.chatpipe.reliability.corpus;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/** Strings that name one case each, put into what the case sends: {@code cq0042x}. */
final class Markers {

    /** A marker, and the item suffix of a batch ({@code cq0042xi3}) which belongs to the same case. */
    static final Pattern FOUND = Pattern.compile("cq\\d{4}x");

    private final AtomicInteger next = new AtomicInteger(1);

    String next() {
        return String.format("cq%04dx", next.getAndIncrement());
    }
}
