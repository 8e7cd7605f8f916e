package io.chatpipe.worker.dispatch;

/** Takes the records of one key, handed over by a {@link KeyOrderedDispatcher}, to their outcomes. */
@FunctionalInterface
public interface RecordHandler {

    /**
     * Takes {@link KeyRecords#records()} (and any it {@link KeyRecords#take takes} as they arrive), in
     * their order, to their outcomes, calling {@link KeyRecords#done} for each whose outcome is durable;
     * returns when all are done or they were {@link KeyRecords#abandoned() abandoned}. Those it leaves
     * come again in the next call.
     */
    void handle(KeyRecords records) throws InterruptedException;
}
