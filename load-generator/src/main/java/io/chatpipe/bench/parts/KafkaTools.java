package io.chatpipe.bench.parts;

import io.chatpipe.bench.measure.Load;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka's own performance tools (kafka-tools: ProducerPerformance, ConsumerPerformance, EndToEndLatency),
 * each run as a child JVM on this load generator's class path, so that they have their own heap and JIT as
 * they do when run from Kafka's scripts. Their printed summary is read back into a {@link Load}.
 */
public final class KafkaTools {

    private static final Logger log = LoggerFactory.getLogger(KafkaTools.class);

    private static final Pattern PRODUCER = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec .*?"
            + "([\\d.]+) ms avg latency, ([\\d.]+) ms max latency, (\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms 99th, "
            + "(\\d+) ms 99.9th");
    private static final Pattern LATENCY_PERCENTILES =
            Pattern.compile("Percentiles: 50th = ([\\d.]+), 99th = ([\\d.]+), 99.9th = ([\\d.]+)");
    private static final Pattern STREAMS_BASELINE = Pattern.compile(StreamsBaseline.RESULT
            + " messages=(\\d+) seconds=([\\d.]+) cpu_us=([\\d.]+) changelog_records=(\\d+)");

    private final String bootstrapServers;
    private final Path workDir;

    public KafkaTools(String bootstrapServers, Path workDir) {
        this.bootstrapServers = bootstrapServers;
        this.workDir = workDir;
    }

    /** ProducerPerformance with the api-service's producer settings: acks=all, idempotent, no linger. */
    public Load producerPerformance(String topic, long records, int recordSize) throws IOException {
        String out = run("ProducerPerformance", "--bootstrap-server", bootstrapServers, "--topic", topic,
                "--num-records", Long.toString(records), "--record-size", Integer.toString(recordSize),
                "--throughput", "-1", "--command-property", "acks=all", "enable.idempotence=true", "linger.ms=0");
        Matcher summary = lastMatch(PRODUCER, out);
        long sent = Long.parseLong(summary.group(1));
        double rate = Double.parseDouble(summary.group(2));
        return Load.reported("Kafka ProducerPerformance", sent, sent / rate, rate,
                Double.parseDouble(summary.group(5)), Double.parseDouble(summary.group(7)),
                Double.parseDouble(summary.group(8)), Double.parseDouble(summary.group(4)));
    }

    /** ConsumerPerformance reading {@code records} of the topic from its beginning, in a group of its own. */
    public Load consumerPerformance(String topic, long records) throws IOException {
        String out = run("ConsumerPerformance", "--bootstrap-server", bootstrapServers, "--topic", topic,
                "--num-records", Long.toString(records), "--timeout", "30000");
        // a header line of names, then one line of values
        List<String> lines = out.lines().toList();
        for (int i = 0; i < lines.size() - 1; i++) {
            if (lines.get(i).startsWith("start.time")) {
                List<String> names = Arrays.stream(lines.get(i).split(",")).map(String::strip).toList();
                String[] values = lines.get(i + 1).split(",");
                long consumed = Long.parseLong(values[names.indexOf("data.consumed.in.nMsg")].strip());
                double fetchMs = Double.parseDouble(values[names.indexOf("fetch.time.ms")].strip());
                double rate = Double.parseDouble(values[names.indexOf("fetch.nMsg.sec")].strip());
                return Load.reported("Kafka ConsumerPerformance", consumed, fetchMs / 1000, rate, 0, 0, 0, 0);
            }
        }
        throw new IOException("ConsumerPerformance printed no result:\n" + tail(out));
    }

    /** EndToEndLatency: produce one record with acks=all, consume it, repeat; latency of each round trip. */
    public Load endToEndLatency(String topic, int records, int recordSize) throws IOException {
        String out = run("EndToEndLatency", bootstrapServers, topic, Integer.toString(records), "all",
                Integer.toString(recordSize));
        Matcher percentiles = lastMatch(LATENCY_PERCENTILES, out);
        return Load.reported("Kafka EndToEndLatency", records, 0, 0, Double.parseDouble(percentiles.group(1)),
                Double.parseDouble(percentiles.group(2)), Double.parseDouble(percentiles.group(3)), 0);
    }

    /**
     * The load generator's minimal Kafka Streams application ({@link StreamsBaseline}: exactly-once, one store
     * written once per message) reading {@code topic} from its beginning, with history-service's heap.
     */
    public StreamsRun streamsBaseline(String topic) throws IOException {
        String out = run(StreamsBaseline.class.getName(), "StreamsBaseline", List.of("-Xms512m"), bootstrapServers,
                topic, workDir.resolve("streams-baseline-state").toString());
        Matcher result = lastMatch(STREAMS_BASELINE, out);
        long messages = Long.parseLong(result.group(1));
        double seconds = Double.parseDouble(result.group(2));
        return new StreamsRun(Load.reported("minimal Kafka Streams application, exactly-once, one store", messages,
                seconds, messages / seconds, 0, 0, 0, 0), Double.parseDouble(result.group(3)) / messages,
                Long.parseLong(result.group(4)) / (double) messages);
    }

    /** What the minimal Kafka Streams application did: its rate, its CPU per message, changelog records per message. */
    public record StreamsRun(Load load, double cpuMicrosPerMessage, double changelogPerMessage) {
    }

    private String run(String tool, String... args) throws IOException {
        return run("org.apache.kafka.tools." + tool, tool, List.of(), args);
    }

    private String run(String mainClass, String tool, List<String> jvmOptions, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "--sun-misc-unsafe-memory-access=allow"));
        command.addAll(jvmOptions);
        command.add(mainClass);
        command.addAll(List.of(args));
        Files.createDirectories(workDir);
        Path output = workDir.resolve(tool + ".out");
        var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        log.info("  running Kafka's {} (output in {})", tool, output);
        Process process = builder.start();
        try {
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException(tool + " did not finish in 10 minutes");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(tool + " interrupted", e);
        }
        String out = Files.readString(output, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException(tool + " failed (" + process.exitValue() + "):\n" + tail(out));
        }
        return out;
    }

    private static Matcher lastMatch(Pattern pattern, String out) throws IOException {
        Matcher last = null;
        for (String line : out.lines().toList()) {
            Matcher m = pattern.matcher(line);
            if (m.find()) {
                last = m;
            }
        }
        if (last == null) {
            throw new IOException("no summary like /" + pattern + "/ in:\n" + tail(out));
        }
        return last;
    }

    private static String tail(String out) {
        return out.length() <= 2000 ? out : out.substring(out.length() - 2000);
    }
}
