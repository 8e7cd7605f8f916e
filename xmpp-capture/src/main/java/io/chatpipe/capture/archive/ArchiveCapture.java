package io.chatpipe.capture.archive;

import io.chatpipe.events.TopicCatalogue;
import io.chatpipe.events.Topics;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.ChangeEvent;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Change data capture of the XMPP server's archive: Debezium's PostgreSQL connector, embedded, reads the inserts
 * into its archive table ({@link ArchiveServer}: ejabberd's {@code archive}, Prosody's {@code prosodyarchive},
 * Openfire's {@code ofMessageArchive}) in commit order through a logical replication slot, and each batch of
 * rows becomes records in Kafka ({@link CaptureRules}) before the batch's position is stored, in Kafka too
 * ({@code chat.capture.offsets}, flushed after every batch). So a capture stopped or killed comes back where
 * it was: PostgreSQL keeps what was archived meanwhile in the slot, and at most the last batch is written
 * twice, with the same ids (history takes an id once).
 *
 * <p>A batch that Kafka does not take is written again, whole and in order, until it is taken: capture
 * never moves past a row whose records are not in Kafka.
 *
 * <p>Several captures of one archive (two instances for availability) share its slot through a
 * {@link SlotLease}: one reads, the others stand by (healthy, role {@code standby}) and the first of them to
 * get the lease when the reader dies reads on from the position it stored.
 */
@Component
class ArchiveCapture implements SmartLifecycle, HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(ArchiveCapture.class);

    private final short offsetsReplicas;
    private final CaptureProperties properties;

    private final KafkaProperties kafka;

    private final CaptureRules rules;

    private final CaptureRules.Users users;

    private final MeterRegistry meters;

    private final Timer lag;

    /** The durable producer: acks=all, idempotent, so each partition's records are in Kafka once and in order. */
    private final KafkaTemplate<byte[], byte[]> producer;

    private volatile DebeziumEngine<ChangeEvent<SourceRecord, SourceRecord>> engine;

    private volatile Thread runner;

    private volatile boolean running;

    /** Set once the connector's task runs; cleared when it stops. */
    private volatile boolean capturing;

    private volatile String failure;

    /** Set while another capture holds the slot's lease and this one waits for it. */
    private volatile boolean standby;

    private final SlotLease lease;

    ArchiveCapture(CaptureProperties properties, KafkaProperties kafka, KafkaTemplate<byte[], byte[]> captureTemplate,
            CaptureRules.Users users, MeterRegistry meters, TopicCatalogue topics) {
        this.properties = properties;
        this.offsetsReplicas = topics.defaultSettings().replicas();
        this.kafka = kafka;
        this.users = users;
        this.meters = meters;
        this.rules = new CaptureRules(properties.xmppDomain(), users);
        this.lag = Timer.builder("chatpipe.capture.lag")
                .description("From the archiving of a stanza to its records being in Kafka")
                .publishPercentileHistogram().register(meters);
        Gauge.builder("chatpipe.capture.reading", this, capture -> capture.capturing ? 1 : 0)
                .description("1 while this capture reads the archive's slot, 0 while it stands by (or cannot read)")
                .register(meters);
        this.producer = captureTemplate;
        this.lease = new SlotLease(properties.archive());
    }

    @Override
    public void start() {
        running = true;
        runner = Thread.ofPlatform().name("archive-capture").start(this::run);
    }

    /** Once this capture holds the slot's lease and the slot is free, reads the archive until stopped. */
    private void run() {
        try {
            awaitLease();
        } catch (InterruptedException e) {
            return;
        }
        DebeziumEngine<ChangeEvent<SourceRecord, SourceRecord>> built = DebeziumEngine.create(Connect.class)
                .using(connectorConfig())
                .using(new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void taskStarted() {
                        capturing = true;
                        log.info("Capturing {}'s archive from {}", archiveServer(), properties.archive());
                    }

                    @Override
                    public void taskStopped() {
                        capturing = false;
                    }
                })
                .using((success, message, error) -> {
                    capturing = false;
                    if (!success && running) {
                        failure = message;
                        log.error("Capture of {}'s archive stopped: {}", archiveServer(), message, error);
                    }
                })
                .notifying(this::handleBatch)
                .build();
        synchronized (this) {
            if (!running) {
                return;
            }
            engine = built;
        }
        built.run();
    }

    private void awaitLease() throws InterruptedException {
        String waitingFor = null;
        while (running) {
            try {
                boolean held = lease.tryAcquire();
                if (held && !lease.slotActive()) {
                    if (standby) {
                        log.info("Taking over slot {} of {}'s archive", properties.archive().slot(), archiveServer());
                    }
                    standby = false;
                    return;
                }
                String now = held ? "the slot's previous reader to let go of it" : "the slot's lease";
                if (!now.equals(waitingFor)) {
                    log.info("Standing by: another capture reads slot {}; waiting for {}", properties.archive().slot(),
                            now);
                    waitingFor = now;
                }
                standby = true;
            } catch (SQLException e) {
                if (waitingFor == null || !waitingFor.equals(e.getMessage())) {
                    log.warn("Cannot ask {} for slot {}'s lease yet: {}", properties.archive(),
                            properties.archive().slot(), e.getMessage());
                    waitingFor = e.getMessage();
                }
            }
            Thread.sleep(properties.archive().pollInterval().multipliedBy(10));
        }
        throw new InterruptedException("stopped while standing by");
    }

    private Properties connectorConfig() {
        CaptureProperties.Archive archive = properties.archive();
        var config = new Properties();
        config.setProperty("name", "chatpipe-capture");
        config.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        config.setProperty("topic.prefix", "chatpipe-archive");
        config.setProperty("database.hostname", archive.host());
        config.setProperty("database.port", Integer.toString(archive.port()));
        config.setProperty("database.dbname", archive.database());
        config.setProperty("database.user", archive.user());
        config.setProperty("database.password", archive.password() == null ? "" : archive.password());
        config.setProperty("plugin.name", "pgoutput");
        config.setProperty("publication.name", archive.publication());
        config.setProperty("publication.autocreate.mode", "disabled");
        config.setProperty("slot.name", archive.slot());
        config.setProperty("table.include.list", archive.server().table());
        // from the slot's creation on: what was archived before capture first ran is not a reply to capture
        config.setProperty("snapshot.mode", "no_data");
        config.setProperty("tombstones.on.delete", "false");
        config.setProperty("poll.interval.ms", Long.toString(archive.pollInterval().toMillis()));
        config.setProperty("offset.storage", "org.apache.kafka.connect.storage.KafkaOffsetBackingStore");
        config.setProperty("offset.storage.topic", properties.offsetsTopic());
        config.setProperty("offset.storage.partitions", "1");
        // Kafka Connect creates it (compacted) if absent, replicated as every other topic of this deployment
        config.setProperty("offset.storage.replication.factor", Short.toString(offsetsReplicas));
        config.setProperty("offset.flush.interval.ms", "0");
        config.setProperty("bootstrap.servers", String.join(",", kafka.getBootstrapServers()));
        return config;
    }

    private void handleBatch(List<ChangeEvent<SourceRecord, SourceRecord>> batch,
                             DebeziumEngine.RecordCommitter<ChangeEvent<SourceRecord, SourceRecord>> committer)
            throws InterruptedException {
        var records = new ArrayList<ProducerRecord<byte[], byte[]>>();
        Instant oldest = null;
        for (ChangeEvent<SourceRecord, SourceRecord> change : batch) {
            ArchiveRow row = row(change.value());
            if (row == null) {
                continue;
            }
            oldest = oldest == null ? row.archivedAt() : oldest;
            for (Capture capture : rules.apply(row)) {
                ProducerRecord<byte[], byte[]> record = record(capture, row);
                if (record != null) {
                    records.add(record);
                }
            }
        }
        write(records);
        if (oldest != null) {
            lag.record(Duration.between(oldest, Instant.now()));
        }
        for (ChangeEvent<SourceRecord, SourceRecord> change : batch) {
            committer.markProcessed(change);
        }
        committer.markBatchFinished();
    }

    /** The inserted row, or null for anything else the connector hands over (heartbeats, other operations). */
    private ArchiveRow row(SourceRecord record) {
        if (!(record.value() instanceof Struct value) || value.schema().field("after") == null) {
            return null;
        }
        Struct after = value.getStruct("after");
        if (after == null || !"c".equals(value.getString("op"))) {
            return null;
        }
        return properties.archive().server().row(after, properties.xmppDomain());
    }

    private String archiveServer() {
        return properties.archive().server().name().toLowerCase(java.util.Locale.ROOT);
    }

    private ProducerRecord<byte[], byte[]> record(Capture capture, ArchiveRow row) {
        return switch (capture) {
            case Capture.Reply(var message) -> {
                count("reply", "");
                yield new ProducerRecord<>(Topics.MESSAGES.name(),
                        Topics.MESSAGES.keys().serializer().serialize(Topics.MESSAGES.name(), message.conversationId()),
                        Topics.MESSAGES.values().serializer().serialize(Topics.MESSAGES.name(), message));
            }
            case Capture.Evidence(var evidence) -> {
                count(evidence.outcome().name().toLowerCase(java.util.Locale.ROOT), "");
                yield new ProducerRecord<>(Topics.DELIVERIES.name(),
                        Topics.DELIVERIES.keys().serializer().serialize(Topics.DELIVERIES.name(), evidence.conversationId()),
                        Topics.DELIVERIES.values().serializer().serialize(Topics.DELIVERIES.name(), evidence));
            }
            case Capture.Read(var horizon) -> {
                count("read-horizon", "");
                yield new ProducerRecord<>(Topics.READS.name(),
                        Topics.READS.keys().serializer().serialize(Topics.READS.name(), horizon.conversationId()),
                        Topics.READS.values().serializer().serialize(Topics.READS.name(), horizon));
            }
            case Capture.Skipped(var reason, var detail) -> {
                count("skipped", reason);
                if (!reason.equals("outgoing")) {
                    log.info("Skipped archive row {} of {}: {} ({})", row.archiveId(), row.owner(), reason, detail);
                }
                yield null;
            }
        };
    }

    private void count(String result, String reason) {
        meters.counter("chatpipe.capture.rows", "result", result, "reason", reason).increment();
    }

    /** Writes the records in order, again and again until Kafka has them all. */
    private void write(List<ProducerRecord<byte[], byte[]>> records) throws InterruptedException {
        for (long backoff = 200; ; backoff = Math.min(backoff * 2, 5_000)) {
            try {
                var sent = new ArrayList<CompletableFuture<?>>(records.size());
                for (ProducerRecord<byte[], byte[]> record : records) {
                    sent.add(producer.send(record));
                }
                for (CompletableFuture<?> future : sent) {
                    future.get();
                }
                return;
            } catch (ExecutionException | RuntimeException e) {
                if (!running) {
                    throw new InterruptedException("capture is stopping with a batch not yet in Kafka");
                }
                log.warn("Kafka did not take {} captured records; writing them again: {}", records.size(),
                        e.getCause() == null ? e.toString() : e.getCause().toString());
                Thread.sleep(backoff);
            }
        }
    }

    @Override
    public Health health() {
        if (capturing && users.caughtUpOnce()) {
            return Health.up().withDetail("archive", properties.archive().toString()).withDetail("role", "reader")
                    .build();
        }
        if (standby && users.caughtUpOnce()) {
            // ready to take over: a second instance is healthy while the first one reads
            return Health.up().withDetail("archive", properties.archive().toString()).withDetail("role", "standby")
                    .build();
        }
        var health = Health.down().withDetail("archive", properties.archive().toString())
                .withDetail("capturing", capturing).withDetail("usersRead", users.caughtUpOnce());
        return failure == null ? health.build() : health.withDetail("failure", failure).build();
    }

    @Override
    public void stop() {
        DebeziumEngine<ChangeEvent<SourceRecord, SourceRecord>> reading;
        synchronized (this) {
            running = false;
            reading = engine;
        }
        try {
            if (reading != null) {
                reading.close();
            } else if (runner != null) {
                runner.interrupt();   // standing by
            }
            if (runner != null) {
                runner.join(Duration.ofSeconds(30));
            }
        } catch (java.io.IOException e) {
            log.warn("Capture did not stop cleanly: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lease.close();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** After the known users have started, before they stop. */
    @Override
    public int getPhase() {
        return 1;
    }
}
