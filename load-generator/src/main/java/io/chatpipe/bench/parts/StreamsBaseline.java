package io.chatpipe.bench.parts;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The least a Kafka Streams application does to keep a topic's messages: what Kafka Streams itself reaches with
 * exactly-once and one persistent store on this machine, the bound history-service's rebuild is set beside.
 *
 * <p>It reads a topic from its beginning, as a rebuild does, and puts each record's value into one RocksDB store
 * under a key of its own (the record's key and offset), so that the store's changelog takes one record per message;
 * with history-service's settings where they bear on throughput: {@code exactly_once_v2}, one stream thread, a 1 s
 * commit interval, the default record cache, and the same fetch sizes. Run as a child JVM of the load generator
 * (with history-service's heap), it prints one line: the messages it read, the seconds from its stream thread running
 * until it had committed them all, its own CPU time over those seconds, and the records its changelog took. Its
 * application id, state directory and internal topics are its own and removed afterwards (all but the state
 * directory's root).
 *
 * <p>Arguments: bootstrap servers, topic, state directory.
 */
public final class StreamsBaseline {

    private static final Logger log = LoggerFactory.getLogger(StreamsBaseline.class);

    /** The line the result is printed on, read back by the load generator. */
    public static final String RESULT = "streams-baseline";

    private static final String STORE = "messages";

    private StreamsBaseline() {
    }

    public static void main(String[] args) throws Exception {
        Result result = run(args[0], args[1], Path.of(args[2]));
        System.out.printf("%s messages=%d seconds=%.3f cpu_us=%.0f changelog_records=%d%n", RESULT, result.messages(),
                result.seconds(), result.cpuMicros(), result.changelogRecords());
    }

    /**
     * What one run did, under its application id: the messages it read, the seconds from its stream thread running until it had committed them
     * all, its process's CPU time over those seconds, and the records its store's changelog took.
     */
    public record Result(String applicationId, long messages, double seconds, double cpuMicros,
            long changelogRecords) {
    }

    /** Reads {@code topic} from its beginning into the store, until committed to the topic's end as it was at start. */
    public static Result run(String bootstrapServers, String topic, Path stateDir) throws Exception {
        String applicationId = "bench-streams-baseline-" + System.currentTimeMillis();
        try (Kafka kafka = new Kafka(bootstrapServers)) {
            long total = kafka.size(topic);
            KafkaStreams streams = new KafkaStreams(topology(topic), config(bootstrapServers, applicationId, stateDir));
            var running = new CountDownLatch(1);
            streams.setStateListener((now, before) -> {
                if (now == KafkaStreams.State.RUNNING) {
                    running.countDown();
                }
            });
            var cpu = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            streams.start();
            try {
                if (!running.await(2, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("Kafka Streams did not reach RUNNING in 2 minutes");
                }
                long started = System.nanoTime();
                long cpuStarted = cpu.getProcessCpuTime();
                long deadline = started + Duration.ofMinutes(15).toNanos();
                while (kafka.committed(applicationId, topic) < total) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("not caught up in 15 minutes");
                    }
                    Thread.sleep(50);
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                double cpuMicros = (cpu.getProcessCpuTime() - cpuStarted) / 1e3;
                long changelog = kafka.size(applicationId + "-" + STORE + "-changelog");
                return new Result(applicationId, total, seconds, cpuMicros, changelog);
            } finally {
                // leaves the group, so that it can be deleted with the internal topics
                streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                        .withTimeout(Duration.ofSeconds(30)));
                streams.cleanUp();
                removeInternals(kafka, applicationId);
            }
        }
    }

    private static org.apache.kafka.streams.Topology topology(String topic) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.ByteArray(),
                Serdes.ByteArray()));
        builder.stream(topic, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .process(Keeper::new, STORE);
        return builder.build();
    }

    private static Properties config(String bootstrapServers, String applicationId, Path stateDir) throws Exception {
        Files.createDirectories(stateDir);
        Properties config = new Properties();
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        config.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_BYTES_CONFIG), 256 * 1024);
        config.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), 256 * 1024);
        config.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MIN_BYTES_CONFIG), 64 * 1024);
        config.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 10);
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        return config;
    }

    /** Puts each record's value under its key and offset: one store write, one changelog record, per message. */
    private static final class Keeper implements Processor<byte[], byte[], Void, Void> {

        private ProcessorContext<Void, Void> context;
        private KeyValueStore<byte[], byte[]> store;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            this.context = context;
            this.store = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            byte[] key = record.key() == null ? new byte[0] : record.key();
            long offset = context.recordMetadata().orElseThrow().offset();
            store.put(ByteBuffer.allocate(key.length + Long.BYTES).put(key).putLong(offset).array(), record.value());
        }
    }

    private static void removeInternals(Kafka kafka, String applicationId) throws InterruptedException {
        try {
            kafka.deleteApplication(applicationId);
        } catch (ExecutionException e) {
            // what is left takes a little of the broker's disk, nothing of its time: the result stands
            log.warn("Could not remove {}'s topics or group: {}", applicationId, e.getCause().toString());
        }
    }
}
