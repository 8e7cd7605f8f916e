package io.chatpipe.reliability.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A project-local ejabberd run by stack/ejabberd/ejabberd-local, the script ./chatpipe run uses, with its
 * own data directory and ports.
 */
public final class EjabberdScript implements XmppServerControl {

    private final Path script;
    private final Path dataDir;
    private final String domain;
    private final int clientPort;
    private final int httpPort;

    public EjabberdScript(Path root, Path dataDir, String domain, int clientPort, int httpPort) {
        this.script = root.resolve("stack/ejabberd/ejabberd-local");
        this.dataDir = dataDir;
        this.domain = domain;
        this.clientPort = clientPort;
        this.httpPort = httpPort;
    }

    @Override
    public String domain() {
        return domain;
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int clientPort() {
        return clientPort;
    }

    @Override
    public String apiUrl() {
        return "http://127.0.0.1:" + httpPort + "/api";
    }

    @Override
    public void start() {
        run("start");
    }

    @Override
    public void stop() {
        run("stop");
    }

    public Path dataDir() {
        return dataDir;
    }

    private void run(String command) {
        try {
            Path output = Files.createTempFile("chatpipe-ejabberd", ".out");
            var builder = new ProcessBuilder(List.of(script.toString(), command, dataDir.toString()))
                    .redirectErrorStream(true).redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().put("CHATPIPE_XMPP_DOMAIN", domain);
            builder.environment().put("CHATPIPE_XMPP_C2S_PORT", Integer.toString(clientPort));
            builder.environment().put("CHATPIPE_XMPP_HTTP_PORT", Integer.toString(httpPort));
            builder.environment().put("CHATPIPE_XMPP_START_TIMEOUT", "180");
            Process process = builder.start();
            if (!process.waitFor(240, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("ejabberd-local " + command + " timed out");
            }
            String said = Files.readString(output, StandardCharsets.UTF_8);
            Files.deleteIfExists(output);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("ejabberd-local " + command + " failed (" + process.exitValue()
                        + "): " + said);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
