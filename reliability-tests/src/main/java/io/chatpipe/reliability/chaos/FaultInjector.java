package io.chatpipe.reliability.chaos;

import io.chatpipe.supervisor.LocalStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Injects the run's faults one at a time, each when the driver reaches its point in the stream. */
final class FaultInjector {

    private static final Logger log = LoggerFactory.getLogger(FaultInjector.class);

    private final LocalStack stack;
    private final List<Fault> faults;
    private final Duration outage;
    private final List<CompletableFuture<InjectedFault>> running = new ArrayList<>();
    private long driveStart;

    FaultInjector(LocalStack stack, List<Fault> faults, Duration outage) {
        this.stack = stack;
        this.faults = List.copyOf(faults);
        this.outage = outage;
    }

    int count() {
        return faults.size();
    }

    void driveStarted(long nanos) {
        driveStart = nanos;
    }

    /** Starts fault {@code k} in the background. */
    void begin(int k, long atMessage) {
        Fault fault = faults.get(k);
        running.add(CompletableFuture.supplyAsync(() -> {
            long started = System.nanoTime();
            log.info("Fault {}/{}: {} at message {}", k + 1, faults.size(), fault.label(), atMessage);
            String error = null;
            String struck = "";
            try {
                struck = fault.inject(stack, outage);
            } catch (RuntimeException e) {
                log.error("Fault {} could not be completed", fault.label(), e);
                error = e.toString();
            }
            long took = (System.nanoTime() - started) / 1_000_000;
            log.info("Fault {}/{}: {} ({}) over, the stack whole again after {} ms", k + 1, faults.size(),
                    fault.label(), struck, took);
            return new InjectedFault(fault, atMessage, (started - driveStart) / 1_000_000, took, error, struck);
        }, task -> Thread.ofPlatform().name("fault-" + fault.label()).start(task)));
    }

    /** Waits until fault {@code k}, if begun, is over. */
    void awaitDone(int k, Duration timeout) {
        if (k >= running.size()) {
            return;
        }
        try {
            running.get(k).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("fault " + faults.get(k).label() + " did not end within " + timeout);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every fault begun, once each is over. */
    List<InjectedFault> awaitAll(Duration timeout) {
        for (int k = 0; k < running.size(); k++) {
            awaitDone(k, timeout);
        }
        return running.stream().map(CompletableFuture::join).toList();
    }
}
