package io.chatpipe.bench.scenario;

import io.chatpipe.bench.Sizes;
import io.chatpipe.bench.measure.ClosedLoop;
import io.chatpipe.bench.measure.Load;
import io.chatpipe.bench.measure.Progress;
import io.chatpipe.bench.parts.Http;
import io.chatpipe.bench.parts.Kafka;
import io.chatpipe.bench.report.Figure;
import io.chatpipe.bench.report.ScenarioResult;
import io.chatpipe.events.ChatJson;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenario 4: history-service. Accept-to-visible latency (REST accept until the message lookup finds it)
 * beside Kafka's own produce-to-consume latency; page queries on a store of many messages beside the same
 * server's health endpoint; and the rate of a rebuild from chat.messages beside Kafka's ConsumerPerformance
 * reading the same topic.
 */
public final class History implements Scenario {

    private static final Logger log = LoggerFactory.getLogger(History.class);

    /** history-service's Kafka Streams application id, and so its consumer group. */
    public static final String APPLICATION_ID = "chatpipe-history";

    static final String LATENCY_TOPIC = "bench.end-to-end-latency";

    @Override
    public String name() {
        return "history";
    }

    @Override
    public ScenarioResult run(BenchContext bench) throws Exception {
        Sizes sizes = bench.sizes();
        Kafka kafka = bench.kafka();
        var result = new ScenarioResult(name(), "History: accept to visible, page queries, rebuild");
        bench.services().stopWorker();   // what is written here is for history only

        long existing = kafka.size(Topics.MESSAGES.name());
        long topUp = Math.max(0, sizes.historyMessages() - existing);
        log.info("History 1/4: chat.messages holds {} messages; writing {} more over {} conversations", existing, topUp,
                sizes.historyConversations());
        String text = bench.text("history");
        long filling = System.nanoTime();
        for (long written = 0; written < topUp; ) {
            int chunk = (int) Math.min(50_000, topUp - written);
            List<MessageAccepted> messages = new ArrayList<>(chunk);
            for (int i = 0; i < chunk; i++) {
                int conversation = (int) ((written + i) % sizes.historyConversations());
                messages.add(MessageAccepted.of(MessageId.random(), UserId.of("bench-hs" + conversation),
                        UserId.of("bench-hr" + conversation), text, Instant.now(), null));
            }
            kafka.produce(messages);
            written += chunk;
        }
        long produced = System.nanoTime();
        long total = kafka.size(Topics.MESSAGES.name());
        long caughtUp = awaitCaughtUp(kafka, "history-service reads chat.messages", Duration.ofMinutes(15));
        result.note(String.format("the store holds %,d messages (the issue asks 1,000,000: --history-messages); "
                        + "writing %,d of them straight to chat.messages took %.0f s, and history-service had read "
                        + "them all %.0f s later", total, topUp, (produced - filling) / 1e9, (caughtUp - produced) / 1e9));

        log.info("History 2/4: page queries, {} connections, beside GET /actuator/health", sizes.pageConnections());
        URI health = bench.targets().history("/actuator/health");
        Load healthLoad = result.load(ClosedLoop.forDuration("history GET /actuator/health", sizes.pageConnections(),
                sizes.warmup(), sizes.measure(), caller -> {
                    Http.expect(bench.http().get(health), 200);
                    return 1;
                }));
        Load pages = result.load(ClosedLoop.forDuration("GET a page of 50 messages", sizes.pageConnections(),
                sizes.warmup(), sizes.measure(), caller -> {
                    int c = ThreadLocalRandom.current().nextInt(sizes.historyConversations());
                    Http.expect(bench.http().get(bench.targets().history(
                            "/api/v1/conversations/bench-hs" + c + "/bench-hr" + c + "/messages?limit=50")), 200);
                    return 1;
                }));
        result.figure(Figure.latency(name(), "page query p50", pages.p50Ms(), "history GET /actuator/health p50",
                healthLoad.p50Ms(), ""));
        result.figure(Figure.latency(name(), "page query p99", pages.p99Ms(), "history GET /actuator/health p99",
                healthLoad.p99Ms(), "p99 ≤ 5 ms"));

        log.info("History 3/4: accept to visible, {} messages one after the other, beside Kafka's EndToEndLatency",
                sizes.visibleSamples());
        Load visible = result.load(acceptToVisible(bench, sizes.visibleSamples()));
        kafka.ensureTopic(LATENCY_TOPIC, 1);
        Load kafkaLatency = result.load(bench.kafkaTools().endToEndLatency(LATENCY_TOPIC, sizes.visibleSamples(),
                Kafka.recordSize(MessageAccepted.of(MessageId.random(), UserId.of("bench-vs"), UserId.of("bench-vr"),
                        text, Instant.now(), null))));
        result.figure(Figure.latency(name(), "accept to visible p99", visible.p99Ms(),
                "Kafka EndToEndLatency p99 (acks=all)", kafkaLatency.p99Ms(), "p99 ≤ 200 ms"));

        total = kafka.size(Topics.MESSAGES.name());
        log.info("History 4/4: rebuild of the stores from {} messages, beside ConsumerPerformance", total);
        Load rebuild = result.load(rebuild(bench, total));
        Load consumer = result.load(bench.kafkaTools().consumerPerformance(Topics.MESSAGES.name(), total));
        result.figure(Figure.rate(name(), "rebuild, messages/s", rebuild.itemsPerSecond(),
                "Kafka ConsumerPerformance on chat.messages", consumer.itemsPerSecond(), ""));
        result.note("accept to visible: from the POST until GET /api/v1/messages/{id} on history-service finds it, "
                + "polled every millisecond; Kafka's EndToEndLatency is one record produced (acks=all) and consumed");
        result.note("rebuild: messages of chat.messages per second while history-service reads them after a reset "
                + "(it also reads chat.deliveries and chat.reads, and writes its changelogs exactly once)");
        return result;
    }

    private static Load acceptToVisible(BenchContext bench, int samples) throws Exception {
        Histogram micros = new Histogram(3);
        long errors = 0;
        String firstError = null;
        long started = System.nanoTime();
        URI messages = bench.targets().api("/api/v1/messages");
        for (int i = 0; i < samples; i++) {
            long sent = System.nanoTime();
            try {
                var accepted = Http.expect(bench.http().postJson(messages, ChatJson.MAPPER.writeValueAsString(Map.of(
                        "fromId", "bench-vs" + (i % 16), "toId", "bench-vr", "message", bench.text("visible " + i)))), 202);
                String id = ChatJson.MAPPER.readTree(accepted.body()).get("messageId").asString();
                URI lookup = bench.targets().history("/api/v1/messages/" + id);
                long deadline = sent + Duration.ofSeconds(30).toNanos();
                while (bench.http().get(lookup).statusCode() != 200) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("message " + id + " not visible after 30 s");
                    }
                    Thread.sleep(1);
                }
                micros.recordValue((System.nanoTime() - sent) / 1000);
            } catch (Exception e) {
                errors++;
                firstError = firstError == null ? e.getMessage() : firstError;
            }
        }
        return Load.of("REST accept to visible in history", micros, micros.getTotalCount(), errors,
                (System.nanoTime() - started) / 1e9, firstError);
    }

    private static Load rebuild(BenchContext bench, long total) throws Exception {
        long requested = System.nanoTime();
        bench.services().restartHistory(true);
        long up = System.nanoTime();
        long committedAtUp = bench.kafka().committed(APPLICATION_ID, Topics.MESSAGES.name());
        long done = awaitCaughtUp(bench.kafka(), "rebuild", Duration.ofMinutes(15));
        long read = total - committedAtUp;
        double seconds = (done - up) / 1e9;
        if (read < total / 10 || seconds < 1) {
            // most of it was read while the service started: count from the restart request instead
            read = total;
            seconds = (done - requested) / 1e9;
        }
        return Load.reported("history-service rebuild from chat.messages", read, seconds, read / seconds, 0, 0, 0, 0);
    }

    /** Waits until history-service has committed everything in chat.messages; returns when (nanoTime). */
    static long awaitCaughtUp(Kafka kafka, String what, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (var progress = Progress.show(what, () -> {
            try {
                return String.format("%,d messages behind", kafka.lag(APPLICATION_ID, Topics.MESSAGES.name()));
            } catch (Exception e) {
                return "lag unknown: " + e.getMessage();
            }
        })) {
            while (kafka.lag(APPLICATION_ID, Topics.MESSAGES.name()) > 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(what + ": history-service did not catch up in " + timeout);
                }
                Thread.sleep(100);
            }
        }
        return System.nanoTime();
    }
}
