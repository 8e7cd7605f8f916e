package io.chatpipe.worker.smack;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.WeakHashMap;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.XMPPException.StreamErrorException;
import org.jivesoftware.smack.packet.StreamError;

/**
 * The stream error a connection was closed with, if any: how a server says it refuses what was just
 * sent on the stream (policy-violation for a stanza over its size limit, for instance). One per
 * connection, in the manner of Smack's {@code XxxManager.getInstanceFor(connection)}.
 */
final class StreamErrors {

    private static final Map<XMPPConnection, StreamErrors> INSTANCES = new WeakHashMap<>();

    private volatile StreamError error;

    private final CountDownLatch closed = new CountDownLatch(1);

    private StreamErrors(XMPPConnection connection) {
        connection.addConnectionListener(new ConnectionListener() {
            @Override
            public void connectionClosedOnError(Exception e) {
                if (e instanceof StreamErrorException streamError) {
                    error = streamError.getStreamError();
                }
                closed.countDown();
            }

            @Override
            public void connectionClosed() {
                closed.countDown();
            }
        });
    }

    static synchronized StreamErrors getInstanceFor(XMPPConnection connection) {
        return INSTANCES.computeIfAbsent(connection, StreamErrors::new);
    }

    /**
     * The stream error the server closed the connection with, or null; waits a little for the
     * connection to be closed, as a failed send may be noticed before the stream error is read.
     */
    StreamError awaitError(Duration wait) throws InterruptedException {
        closed.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        return error;
    }
}
