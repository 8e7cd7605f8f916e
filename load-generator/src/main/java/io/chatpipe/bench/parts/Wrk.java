package io.chatpipe.bench.parts;

import io.chatpipe.bench.measure.Load;
import io.chatpipe.bench.measure.Progress;
import io.chatpipe.events.ChatJson;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * <a href="https://github.com/wg/wrk">wrk</a> for the closed loops of many small requests (single messages and
 * the no-op, 64 keep-alive connections): a client in C that costs the two shared cores little. Through a Java
 * client the api-service could not be kept busy: against one api-service and Kafka alone, 64 callers posted
 * 4,531 single messages/s through the JDK's HttpClient, 6,685 through OkHttp, and wrk 13,427.
 *
 * <p>The bodies are posted in turn, the same bodies again and again. A script of ours prints wrk's figures as one
 * JSON line at the end; when the answers count items (a batch's {@code accepted}), the script adds them up.
 */
public final class Wrk {

    private static final Logger log = LoggerFactory.getLogger(Wrk.class);
    private static final String RESULT = "chatpipe-wrk ";
    private static final String NOT_INSTALLED = "wrk is not installed: ./chatpipe bench and ./chatpipe test install "
            + "it (apt-get install wrk)";

    private final Path workDir;

    public Wrk(Path workDir) {
        this.workDir = workDir;
    }

    /**
     * Posts the JSON bodies (or GETs, with none) on {@code connections} keep-alive connections, each sending
     * its next request once the last is answered: {@code warmup} thrown away, then {@code measure} measured.
     *
     * @param countAccepted whether each answer's {@code "accepted":N} counts N items; otherwise each answer
     *                      with a 2xx status counts one
     */
    public Load closedLoop(String name, URI uri, List<String> bodies, int connections, Duration warmup,
            Duration measure, boolean countAccepted) throws IOException {
        Files.createDirectories(workDir);
        Path script = workDir.resolve("wrk-load.lua");
        Files.writeString(script, script(bodies, countAccepted), StandardCharsets.UTF_8);
        if (!warmup.isZero()) {
            run(name + ", warming up", uri, script, connections, warmup);
        }
        JsonNode result = run(name, uri, script, connections, measure);
        long requests = result.path("requests").asLong();
        long refused = result.path("status").asLong();
        long failed = refused + result.path("connect").asLong() + result.path("read").asLong()
                + result.path("write").asLong() + result.path("timeout").asLong();
        long items = countAccepted ? result.path("accepted").asLong() : requests - refused;
        double seconds = result.path("micros").asLong() / 1e6;
        String firstError = failed == 0 ? null : String.format("%,d failed (%,d answered other than 2xx or 3xx, "
                        + "%,d connect, %,d read, %,d write, %,d timed out)", failed, refused,
                result.path("connect").asLong(), result.path("read").asLong(), result.path("write").asLong(),
                result.path("timeout").asLong());
        return new Load(name, requests, items, failed, seconds, seconds > 0 ? items / seconds : 0,
                result.path("p50").asDouble() / 1000, result.path("p99").asDouble() / 1000,
                result.path("p999").asDouble() / 1000, result.path("max").asDouble() / 1000, firstError);
    }

    private JsonNode run(String name, URI uri, Path script, int connections, Duration duration) throws IOException {
        long seconds = Math.max(1, (duration.toMillis() + 999) / 1000);
        List<String> command = List.of("wrk", "-t" + Math.min(2, connections), "-c" + connections,
                "-d" + seconds + "s", "--timeout", "30s", "-s", script.toString(), uri.toString());
        Path output = workDir.resolve("wrk.out");
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            throw new IllegalStateException(NOT_INSTALLED, e);
        }
        try (var progress = Progress.show(name, () -> "wrk running, " + connections + " connections")) {
            if (!process.waitFor(seconds + 60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("wrk did not finish in " + (seconds + 60) + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("wrk interrupted", e);
        }
        String out = Files.readString(output, StandardCharsets.UTF_8);
        String line = out.lines().filter(l -> l.startsWith(RESULT)).reduce((a, b) -> b).orElse(null);
        if (process.exitValue() != 0 || line == null) {
            throw new IOException("wrk failed (" + process.exitValue() + "): " + out);
        }
        log.debug("wrk: {}", out);
        return ChatJson.MAPPER.readTree(line.substring(RESULT.length()));
    }

    /** The Lua script: the requests, in turn on each connection, and the figures as one line at the end. */
    static String script(List<String> bodies, boolean countAccepted) {
        var lua = new StringBuilder();
        lua.append("local bodies = {\n");
        for (String body : bodies) {
            if (body.contains("]==]")) {
                throw new IllegalArgumentException("a body wrk cannot be given as it is: " + body);
            }
            lua.append("[==[").append(body).append("]==],\n");
        }
        lua.append("""
                }
                local headers = { ["Content-Type"] = "application/json" }
                local threads = {}
                n = 0
                accepted = 0

                function setup(thread)
                  table.insert(threads, thread)
                end

                function request()
                  if #bodies == 0 then
                    return wrk.format("GET")
                  end
                  n = n % #bodies + 1
                  return wrk.format("POST", nil, headers, bodies[n])
                end
                """);
        if (countAccepted) {
            lua.append("""

                    function response(status, headers, body)
                      local count = status == 200 and body:match('^{"accepted":(%d+)')
                      if count then
                        accepted = accepted + tonumber(count)
                      end
                    end
                    """);
        }
        lua.append("""

                function done(summary, latency, requests)
                  local total = 0
                  for _, thread in ipairs(threads) do
                    total = total + thread:get("accepted")
                  end
                  local e = summary.errors
                  io.write("RESULT" .. string.format('{"requests":%.0f,"micros":%.0f,"connect":%.0f,"read":%.0f,'
                    .. '"write":%.0f,"status":%.0f,"timeout":%.0f,"accepted":%.0f,"p50":%.0f,"p99":%.0f,"p999":%.0f,'
                    .. '"max":%.0f}\\n', summary.requests, summary.duration, e.connect, e.read, e.write, e.status,
                    e.timeout, total, latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
                    latency.max))
                end
                """.replace("RESULT", RESULT));
        return lua.toString();
    }
}
