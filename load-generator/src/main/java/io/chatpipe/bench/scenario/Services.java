package io.chatpipe.bench.scenario;

import java.util.Optional;

/**
 * Starts and stops the services whose life a scenario needs to control: the worker, so that a backlog
 * can build up before it drains; history-service, so that it can be rebuilt from the topics and kept out of
 * the ingestion figures; the webhook-dispatcher, for its own scenario only. Each call
 * returns once the service is up (health UP) or down.
 */
public interface Services {

    /** For a stack this JVM cannot control: every request fails, and the scenario that needs it says so. */
    static Services none() {
        return new Services() {
            @Override
            public void startWorker(Confirmation confirmBy) {
                throw new IllegalStateException("no control of the services: run through ./chatpipe bench");
            }

            @Override
            public void stopWorker() {
                startWorker();
            }

            @Override
            public void stopHistory() {
                startWorker();
            }

            @Override
            public void killHistory() {
                startWorker();
            }

            @Override
            public void startHistory(boolean rebuild) {
                startWorker();
            }

            @Override
            public void startWebhookDispatcher() {
                startWorker();
            }

            @Override
            public void stopWebhookDispatcher() {
                startWorker();
            }
        };
    }

    /** Starts the worker as {@code ./chatpipe run} does: confirming each delivery by its recipient's archive row. */
    default void startWorker() {
        startWorker(Confirmation.ARCHIVE);
    }

    /** Starts the worker with {@code chatpipe.worker.ejabberd.confirm-by} set to {@code confirmBy}. */
    void startWorker(Confirmation confirmBy);

    void stopWorker();

    void stopHistory();

    /** Stops history-service with a kill -9: no clean close, no leaving its group, no checkpoint of its stores. */
    void killHistory();

    /** Starts history-service; with {@code rebuild}, from the topics' beginning. */
    void startHistory(boolean rebuild);

    /**
     * Starts the webhook-dispatcher as {@code ./chatpipe run} does (loopback endpoints allowed); only the webhooks
     * scenario runs it, so that no other scenario's messages are fanned out.
     */
    void startWebhookDispatcher();

    void stopWebhookDispatcher();

    /** Stops history-service, then starts it again; with {@code rebuild}, from the topics' beginning. */
    default void restartHistory(boolean rebuild) {
        stopHistory();
        startHistory(rebuild);
    }

    /**
     * The process the api-service runs in, when it can be told: the bench collects its garbage
     * ({@code jcmd GC.run}) before it reads its heap.
     */
    default Optional<ProcessHandle> apiService() {
        return Optional.empty();
    }

    /**
     * What makes the worker count a message delivered ({@code chatpipe.worker.ejabberd.confirm-by}): the
     * recipient's archive row, as capture reports it, or the recipient's sessions having handled it (which does
     * not prove the message was stored).
     */
    enum Confirmation {
        ARCHIVE, SESSIONS;

        /** The property's value. */
        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
