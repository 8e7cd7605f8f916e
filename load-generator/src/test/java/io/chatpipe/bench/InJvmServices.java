package io.chatpipe.bench;

import io.chatpipe.history.HistoryServiceApplication;
import io.chatpipe.worker.DeliveryWorkerApplication;
import java.nio.file.Path;
import java.util.Optional;
import org.springframework.context.ConfigurableApplicationContext;

/** The worker and history-service as the smoke test runs them: Spring applications in this JVM. */
final class InJvmServices implements Services, AutoCloseable {

    private final String kafka;
    private final String xmppDomain;
    private final String ejabberdApi;
    private final int historyPort;
    private final int workerPort;
    private final Path historyState;
    private ConfigurableApplicationContext worker;
    private ConfigurableApplicationContext history;

    InJvmServices(String kafka, String xmppDomain, String ejabberdApi, int historyPort, int workerPort,
                  Path historyState) {
        this.kafka = kafka;
        this.xmppDomain = xmppDomain;
        this.ejabberdApi = ejabberdApi;
        this.historyPort = historyPort;
        this.workerPort = workerPort;
        this.historyState = historyState;
    }

    @Override
    public synchronized void startHistory(boolean rebuild) {
        history = HistoryServiceApplication.application().run("--server.port=" + historyPort,
                "--spring.kafka.bootstrap-servers=" + kafka, "--chatpipe.history.streams.state-dir=" + historyState,
                "--chatpipe.history.streams.rebuild=" + rebuild);
    }

    @Override
    public synchronized void startWorker() {
        if (worker == null) {
            worker = DeliveryWorkerApplication.application().run("--server.port=" + workerPort,
                    "--spring.kafka.bootstrap-servers=" + kafka, "--chatpipe.worker.xmpp-domain=" + xmppDomain,
                    "--chatpipe.worker.ejabberd.api-url=" + ejabberdApi);
        }
    }

    @Override
    public synchronized void stopWorker() {
        if (worker != null) {
            worker.close();
            worker = null;
        }
    }

    @Override
    public synchronized void stopHistory() {
        if (history != null) {
            history.close();
            history = null;
        }
    }

    /** The test runs the api-service in this JVM. */
    @Override
    public Optional<ProcessHandle> apiService() {
        return Optional.of(ProcessHandle.current());
    }

    @Override
    public synchronized void close() {
        stopWorker();
        stopHistory();
    }
}
