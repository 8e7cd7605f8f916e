package io.chatpipe.bench.scenario;

import io.chatpipe.supervisor.BenchStack;
import java.util.Optional;

/**
 * Starts and stops the services of the bench's stack, which this JVM supervises ({@link BenchStack}), as
 * {@code ./chatpipe run} starts them.
 */
public final class SupervisedServices implements Services {

    private final BenchStack stack;
    private Confirmation workerRunning;

    public SupervisedServices(BenchStack stack) {
        this.stack = stack;
    }

    @Override
    public synchronized void startWorker(Confirmation confirmBy) {
        if (workerRunning != null && workerRunning != confirmBy) {
            stopWorker();
        }
        if (workerRunning == null) {
            stack.startWorker(confirmBy.value());
            workerRunning = confirmBy;
        }
    }

    @Override
    public synchronized void stopWorker() {
        if (workerRunning != null) {
            stack.stopWorker();
            workerRunning = null;
        }
    }

    @Override
    public synchronized void stopHistory() {
        stack.stopHistory();
    }

    @Override
    public synchronized void killHistory() {
        stack.killHistory();
    }

    @Override
    public synchronized void startHistory(boolean rebuild) {
        stack.startHistory(rebuild);
    }

    @Override
    public synchronized void startWebhookDispatcher() {
        stack.startWebhookDispatcher();
    }

    @Override
    public synchronized void stopWebhookDispatcher() {
        stack.stopWebhookDispatcher();
    }

    @Override
    public Optional<ProcessHandle> apiService() {
        return stack.apiService();
    }
}
