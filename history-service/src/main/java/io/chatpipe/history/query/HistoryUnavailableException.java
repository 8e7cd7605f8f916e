package io.chatpipe.history.query;

/** The stores cannot answer right now (starting, restoring, rebalancing); asking again later will work. */
public final class HistoryUnavailableException extends RuntimeException {

    public HistoryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
