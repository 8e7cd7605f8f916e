package io.chatpipe.bench.scenario;

import io.chatpipe.bench.scenario.Services;
import io.chatpipe.bench.scenario.Sizes;
import io.chatpipe.bench.parts.Targets;
import io.chatpipe.bench.measure.GcPauses;
import io.chatpipe.bench.parts.EjabberdAdmin;
import io.chatpipe.bench.parts.Http;
import io.chatpipe.bench.parts.Kafka;
import io.chatpipe.bench.parts.KafkaTools;
import io.chatpipe.bench.parts.Wrk;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * What every scenario works with: the stack's addresses, the sizes, control of the services, and clients
 * of each part. Scenarios leave figures for later ones in {@link #measured()} (the end-to-end scenario also
 * measures latency at half the drain rate measured before it).
 */
public final class BenchContext implements AutoCloseable {

    /** The password of every account the bench creates. */
    public static final String PASSWORD = "bench-password";

    private final Targets targets;
    private final Sizes sizes;
    private final Services services;
    private final Http http = new Http();
    private final EjabberdAdmin ejabberd;
    private final Kafka kafka;
    private final KafkaTools kafkaTools;
    private final Wrk wrk;
    private final GcPauses gcPauses;
    private final Path workDir;
    private final Map<String, Double> measured = new ConcurrentHashMap<>();

    public BenchContext(Targets targets, Sizes sizes, Services services, Path workDir, GcPauses gcPauses) {
        this.targets = targets;
        this.sizes = sizes;
        this.services = services;
        this.ejabberd = new EjabberdAdmin(http, targets.ejabberdApi(), targets.xmppDomain());
        this.kafka = new Kafka(targets.kafka());
        this.kafkaTools = new KafkaTools(targets.kafka(), workDir);
        this.wrk = new Wrk(workDir);
        this.gcPauses = gcPauses;
        this.workDir = workDir;
    }

    public Targets targets() {
        return targets;
    }

    /** Where the bench's tools keep their scripts and output. */
    public Path workDir() {
        return workDir;
    }

    public Sizes sizes() {
        return sizes;
    }

    public Services services() {
        return services;
    }

    public Http http() {
        return http;
    }

    public EjabberdAdmin ejabberd() {
        return ejabberd;
    }

    public Kafka kafka() {
        return kafka;
    }

    public KafkaTools kafkaTools() {
        return kafkaTools;
    }

    public Wrk wrk() {
        return wrk;
    }

    /** The pauses of the stack's JVMs, from their GC logs. */
    public GcPauses gcPauses() {
        return gcPauses;
    }

    public Map<String, Double> measured() {
        return measured;
    }

    /** {@code count} user ids like {@code bench-r0}, {@code bench-r1}, ... */
    public static List<String> users(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> "bench-" + prefix + i).toList();
    }

    /** Creates the accounts (ten at a time); existing ones are kept. */
    public void register(List<String> users) throws Exception {
        var failures = new java.util.concurrent.atomic.AtomicReference<Exception>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(10)) {
            for (String user : users) {
                pool.submit(() -> {
                    try {
                        ejabberd.register(user, PASSWORD);
                    } catch (Exception e) {
                        failures.compareAndSet(null, e);
                    }
                });
            }
        }
        if (failures.get() != null) {
            throw failures.get();
        }
    }

    /** The label a {@link #text} begins with, its first word: {@code "e2e1"} of {@code "e2e1 17 lorem"}. */
    public static String label(String text) {
        int space = text.indexOf(' ');
        return space < 0 ? text : text.substring(0, space);
    }

    /** The message number after a {@link #text}'s label: {@code 17} of {@code "e2e1 17 lorem"}; -1 when none. */
    public static int number(String text) {
        String[] words = text.split(" ", 3);
        try {
            return words.length > 1 ? Integer.parseInt(words[1]) : -1;
        } catch (NumberFormatException e) {
            return -1;   // not one of ours
        }
    }

    /** A message text of the configured size: a label, then padding. ASCII only, so it needs no escaping. */
    public String text(String label) {
        var text = new StringBuilder(label);
        while (text.length() < sizes.messageBytes()) {
            text.append(" lorem");
        }
        text.setLength(Math.max(label.length(), sizes.messageBytes()));
        return text.toString();
    }

    @Override
    public void close() {
        kafka.close();
    }
}
