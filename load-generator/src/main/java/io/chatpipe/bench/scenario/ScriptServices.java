package io.chatpipe.bench.scenario;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;

/**
 * Asks {@code ./chatpipe bench}, which started this JVM as its coprocess, to start and stop services with the
 * same functions as {@code ./chatpipe run}: a request is a line on standard output, the answer a line on
 * standard input ({@code ok}, or {@code failed <why>}). Everything else this JVM prints goes to standard error.
 */
public final class ScriptServices implements Services {

    static final String PREFIX = "chatpipe-bench:";

    private final PrintStream requests = new PrintStream(new FileOutputStream(FileDescriptor.out), true,
            StandardCharsets.UTF_8);
    private final BufferedReader answers = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    private final int apiPort;
    private Confirmation workerRunning;

    /** @param apiPort the port ./chatpipe started the api-service on, which its command line names */
    public ScriptServices(int apiPort) {
        this.apiPort = apiPort;
    }

    @Override
    public synchronized void startWorker(Confirmation confirmBy) {
        if (workerRunning != null && workerRunning != confirmBy) {
            stopWorker();
        }
        if (workerRunning == null) {
            ask("start xmpp-delivery-worker " + confirmBy.value());
            workerRunning = confirmBy;
        }
    }

    @Override
    public synchronized void stopWorker() {
        if (workerRunning != null) {
            ask("stop xmpp-delivery-worker");
            workerRunning = null;
        }
    }

    @Override
    public synchronized void stopHistory() {
        ask("stop history-service");
    }

    @Override
    public synchronized void killHistory() {
        ask("kill history-service");
    }

    @Override
    public synchronized void startHistory(boolean rebuild) {
        ask(rebuild ? "start history-service rebuild" : "start history-service");
    }

    @Override
    public synchronized void startWebhookDispatcher() {
        ask("start webhook-dispatcher");
    }

    @Override
    public synchronized void stopWebhookDispatcher() {
        ask("stop webhook-dispatcher");
    }

    /** The newest process of this user whose command line runs the api-service on its port. */
    @Override
    public Optional<ProcessHandle> apiService() {
        String port = "--server.port=" + apiPort;
        return ProcessHandle.allProcesses()
                .filter(process -> process.info().arguments().map(Arrays::asList)
                        .filter(args -> args.contains(port) && args.stream().anyMatch(arg -> arg.contains("api-service")))
                        .isPresent())
                .max(Comparator.comparing(process -> process.info().startInstant().orElse(Instant.EPOCH)));
    }

    private void ask(String request) {
        requests.println(PREFIX + " " + request);
        try {
            String answer = answers.readLine();
            if (answer == null) {
                throw new IllegalStateException("./chatpipe stopped answering (asked: " + request + ")");
            }
            if (!answer.equals("ok")) {
                throw new IllegalStateException("./chatpipe could not " + request + ": " + answer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
