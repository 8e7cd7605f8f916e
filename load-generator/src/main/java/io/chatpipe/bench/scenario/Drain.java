package io.chatpipe.bench.scenario;

import io.chatpipe.bench.scenario.Services.Confirmation;
import io.chatpipe.bench.scenario.Sizes;
import io.chatpipe.bench.measure.ClosedLoop;
import io.chatpipe.bench.measure.Load;
import io.chatpipe.bench.parts.ProcessCpu;
import io.chatpipe.bench.measure.Progress;
import io.chatpipe.bench.parts.Kafka;
import io.chatpipe.bench.parts.XmppClients;
import io.chatpipe.bench.report.Figure;
import io.chatpipe.bench.report.ScenarioResult;
import io.chatpipe.events.DeliveryAttempted;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenario 2: messages/s the worker pushes into ejabberd from a backlog in chat.messages, its recipients
 * online, beside ejabberd's own ceiling on the same path: send_stanza over mod_http_api, driven directly
 * by as many callers as the worker has deliveries in flight, without Kafka. The worker's figure held to the
 * aim is taken with history-service stopped, as the flood has the machine to itself; the one with history-service
 * reading the same backlog alongside is reported beside it.
 *
 * <p>The two ways the worker can confirm a delivery, side by side: by its recipient's archive row (what
 * {@code ./chatpipe run} does); once more, restarted to confirm by its recipients' sessions, it drains a
 * warm-up backlog and then the same backlog again with history-service stopped. Over both measured backlogs the
 * CPU time each process of the stack spends per delivered message (worker, broker, ejabberd, capture, PostgreSQL;
 * each one's idle spending taken off) is set against the same process's with the other confirmation.
 */
public final class Drain implements Scenario {

    private static final Logger log = LoggerFactory.getLogger(Drain.class);

    /** The worker's consumer group (chatpipe.worker.consumer.group-id's default). */
    static final String WORKER_GROUP = "chatpipe-delivery";

    /** The first word of each message's body: which load it belongs to. */
    private static final String FLOOD = "flood";
    private static final String WARM_UP = "warm-up";
    private static final String ALONGSIDE = "alongside";
    private static final String DRAIN = "drain";
    private static final String SESSIONS_WARM_UP = "sessions-warm-up";
    private static final String SESSIONS = "sessions";

    /** How long each process's idle spending is measured before a backlog whose CPU time is read. */
    private static final Duration QUIET = Duration.ofSeconds(3);

    @Override
    public String name() {
        return "drain";
    }

    @Override
    public ScenarioResult run(BenchContext bench) throws Exception {
        Sizes sizes = bench.sizes();
        var result = new ScenarioResult(name(), "Delivery drain: messages/s from a backlog into ejabberd");
        Conversations conversations = Conversations.of(bench);
        int count = sizes.drainMessages();

        // what the online clients received, by the first word of each body: "flood 17", "drain 17"
        var receipts = Map.of(FLOOD, new ReceiptSpan(), WARM_UP, new ReceiptSpan(), ALONGSIDE, new ReceiptSpan(),
                DRAIN, new ReceiptSpan(), SESSIONS_WARM_UP, new ReceiptSpan(), SESSIONS, new ReceiptSpan());
        try (XmppClients recipients = XmppClients.login(bench.targets().xmpp(), conversations.recipients(),
                BenchContext.PASSWORD, body -> {
                    ReceiptSpan span = receipts.get(BenchContext.label(body));
                    if (span != null) {
                        span.arrived();
                    }
                })) {
            log.info("Drain 1/6: {} messages straight into ejabberd's send_stanza, {} callers (ejabberd's ceiling)",
                    count, sizes.drainConcurrency());
            long before = recipients.received();
            var next = new AtomicInteger();
            Load flood = result.load(ClosedLoop.forItems("ejabberd send_stanza flood, " + sizes.drainConcurrency()
                    + " callers", sizes.drainConcurrency(), count, Duration.ofMinutes(10), caller -> {
                        int i = next.getAndIncrement();
                        bench.ejabberd().sendStanza(conversations.sender(i), conversations.recipient(i),
                                UUID.randomUUID().toString(), bench.text(FLOOD + " " + i));
                        return 1;
                    }));
            long floodReceived = awaitReceived(recipients, before + flood.items()) - before;

            // the worker starts cold: through a first backlog its JIT compiler takes about as much CPU as its
            // deliveries (per-thread sampling in an e2e run), so the figures are of its later backlogs, with the
            // worker warm, as a worker in service is
            log.info("Drain 2/6: a warm-up backlog of {} messages, then the worker starts (not held to the aim)",
                    count);
            bench.services().stopWorker();
            bench.kafka().skipToEnd(WORKER_GROUP, Topics.MESSAGES.name());
            Drained warmUp = drain(bench, recipients, conversations, count, WARM_UP, () -> {
                long requested = System.nanoTime();
                bench.services().startWorker();
                result.note(String.format("the worker took %.1f s from the start request to health UP; each drain "
                        + "rate is timed between the first and the last ACCEPTED outcome's time, so JVM start is not "
                        + "in it", (System.nanoTime() - requested) / 1e9));
            });
            result.load(warmUp.load("worker drain of a " + count + "-message warm-up backlog, starting cold"));

            log.info("Drain 3/6: a backlog of {} messages for the running worker, history-service reading it "
                    + "alongside (not held to the aim)", count);
            Drained alongside = drain(bench, recipients, conversations, count, ALONGSIDE, () -> { });
            result.load(alongside.load("worker drain of a " + count
                    + "-message backlog, warm, history-service reading alongside"));
            // the end-to-end scenario's "half the drain rate", as received by the clients: confirming by the archive,
            // a backlog's ACCEPTED outcomes come late and together (at the tiny size within a millisecond, which made
            // that rate 14,000 msg/s), so their span no longer tells how fast the backlog was delivered
            bench.measured().put("drainRate", receipts.get(ALONGSIDE).rate());

            // the flood has ejabberd and the two cores to itself. The history-service reads every message of a
            // backlog too, exactly once, on the same cores (35-66% of a core while the worker drained, sampled):
            // that is no part of the worker's path to ejabberd, so, as in the ingestion, the figure held to the
            // aim is measured with history-service stopped, and the one with it alongside is kept beside it
            log.info("Drain 4/6: history-service stopped, a backlog of {} messages for the running worker", count);
            var stopped = History.whileStopped(bench, "the drain",
                    () -> measuredDrain(bench, recipients, conversations, count, DRAIN));
            Drained drained = stopped.result().drained();
            Load drain = result.load(drained.load("worker drain of a " + count + "-message backlog, warm, "
                    + "history-service stopped"));
            result.note(String.format("history-service was stopped for the last backlog, then caught up on what it "
                    + "missed in %.0f s; the last backlog was written in %.2f s, and the worker delivered it over "
                    + "%.1f s", stopped.catchUpSeconds(), drained.writeSeconds(), drained.seconds()));

            // the other confirmation: the worker counting a message delivered once its recipients' sessions have
            // handled it, warmed up by a backlog of its own, then measured as above
            log.info("Drain 5/6: the worker restarted to confirm by sessions, a warm-up backlog of {} messages", count);
            bench.services().stopWorker();
            Drained sessionsWarmUp = drain(bench, recipients, conversations, count, SESSIONS_WARM_UP,
                    () -> bench.services().startWorker(Confirmation.SESSIONS));
            result.load(sessionsWarmUp.load("worker confirming by sessions, drain of a " + count
                    + "-message warm-up backlog, starting cold"));
            log.info("Drain 6/6: history-service stopped, a backlog of {} messages for the worker confirming by "
                    + "sessions", count);
            var sessionsStopped = History.whileStopped(bench, "the drain confirming by sessions",
                    () -> measuredDrain(bench, recipients, conversations, count, SESSIONS));
            Drained bySessions = sessionsStopped.result().drained();
            Load sessionsDrain = result.load(bySessions.load("worker confirming by sessions, drain of a " + count
                    + "-message backlog, warm, history-service stopped"));
            bench.services().stopWorker();   // a scenario that needs the worker starts it, confirming by archive

            // the aim is held to the one yardstick both share: what the online clients received per second. By
            // their calls the two are not alike: the flood's callers are done once ejabberd has queued their
            // stanzas, the worker's once the recipients' sessions have handled them
            double floodReceipts = receipts.get(FLOOD).rate();
            result.figure(Figure.rate(name(), "worker drain, received by the clients/s", receipts.get(DRAIN).rate(),
                    "flood, received by the clients/s", floodReceipts, "≥ 0.9x"));
            result.figure(Figure.rate(name(), "worker drain, history-service reading alongside, received by the "
                    + "clients/s", receipts.get(ALONGSIDE).rate(), "flood, received by the clients/s", floodReceipts,
                    ""));
            result.figure(Figure.rate(name(), "worker drain, delivered/s", drain.itemsPerSecond(),
                    "ejabberd send_stanza flood", flood.itemsPerSecond(), ""));
            result.figure(Figure.rate(name(), "worker confirming by sessions, drain received by the clients/s", receipts.get(SESSIONS).rate(), "flood, received by the clients/s", floodReceipts,
                    ""));
            result.figure(Figure.rate(name(), "worker drain confirming by archive, delivered/s", drain.itemsPerSecond(),
                    "the same confirming by sessions", sessionsDrain.itemsPerSecond(), ""));
            cpuFigures(result, stopped.result(), sessionsStopped.result());
            result.note(String.format("online recipients (%d XMPP clients) received %,d of %,d flooded messages, and "
                            + "of the three backlogs of %,d: %,d, %,d and %,d; confirming by sessions, of its two: "
                            + "%,d and %,d; %d conversations, each delivered in order, its waiting messages sent in "
                            + "rounds with one confirmation each",
                    recipients.size(), floodReceived, flood.items(), count, warmUp.received(), alongside.received(),
                    drained.received(), sessionsWarmUp.received(), bySessions.received(),
                    conversations.senders().size()));
            for (Drained missed : List.of(warmUp, alongside, drained, sessionsWarmUp, bySessions)) {
                if (missed.missing() > 0) {
                    result.note(missed.missing() + " backlog messages had no ACCEPTED outcome within 10 minutes");
                }
            }
        }
        return result;
    }

    /** A drain whose window's CPU time each process of the stack spent is read, its idle spending measured first. */
    record Costed(Drained drained, Map<String, Double> millisPerMessage, Map<String, Double> idlePercent) {
    }

    private static Costed measuredDrain(BenchContext bench, XmppClients recipients, Conversations conversations,
                                        int count, String label) throws Exception {
        ProcessCpu cpu = ProcessCpu.of(bench.targets());
        Map<String, Double> idle = cpu.idleRates(QUIET);
        ProcessCpu.Sample before = cpu.sample();
        Drained drained = drain(bench, recipients, conversations, count, label, () -> { });
        ProcessCpu.Sample after = cpu.sample();
        var idlePercent = new java.util.LinkedHashMap<String, Double>();
        idle.forEach((part, rate) -> idlePercent.put(part, rate * 100));
        return new Costed(drained, ProcessCpu.millisPerItem(before, after, idle, drained.delivered()), idlePercent);
    }

    /** Each process's CPU time per delivered message confirming by archive, against its own confirming by sessions. */
    private void cpuFigures(ScenarioResult result, Costed byArchive, Costed bySessions) {
        if (byArchive.millisPerMessage().isEmpty()) {
            result.note("no process of the stack found to read its CPU time (run through ./chatpipe bench on Linux)");
            return;
        }
        byArchive.millisPerMessage().forEach((part, ms) -> {
            Double baseline = bySessions.millisPerMessage().get(part);
            if (baseline != null) {
                result.figure(new Figure(name(), "CPU per delivered message, " + part + ", confirming by archive", ms,
                        "ms", "the same confirming by sessions", baseline, false, ""));
            }
        });
        result.note(String.format("CPU per delivered message (ms, process time from /proc over each measured "
                        + "backlog, history-service stopped, less each process's idle rate over %d s before it): "
                        + "confirming by archive %s; by sessions %s; idle, %% of a core: %s and %s", QUIET.toSeconds(),
                rounded(byArchive.millisPerMessage()), rounded(bySessions.millisPerMessage()),
                rounded(byArchive.idlePercent()), rounded(bySessions.idlePercent())));
    }

    private static String rounded(Map<String, Double> byPart) {
        var text = new StringBuilder();
        byPart.forEach((part, value) -> text.append(text.isEmpty() ? "" : ", ").append(part).append(' ')
                .append(String.format("%.3f", value)));
        return text.isEmpty() ? "(none)" : text.toString();
    }

    /**
     * What came of a backlog: how long writing it took, its delivered and missing messages, over the span of
     * their ACCEPTED outcomes, and how many of it the online clients received.
     */
    record Drained(double writeSeconds, long delivered, long missing, double seconds, long received) {

        Load load(String name) {
            double rate = delivered <= 1 ? 0 : (delivered - 1) / seconds;
            return Load.reported(name, delivered, seconds, rate, 0, 0, 0, 0);
        }
    }

    /**
     * Writes a backlog of {@code count} messages to chat.messages, each body starting with {@code label}, runs
     * {@code afterWrite}, then waits up to 10 minutes for each message's ACCEPTED outcome, and up to 30 s more
     * for the clients to have received them.
     */
    private static Drained drain(BenchContext bench, XmppClients recipients, Conversations conversations, int count,
                                 String label, Runnable afterWrite) throws InterruptedException {
        List<MessageAccepted> backlog = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            backlog.add(MessageAccepted.of(MessageId.random(), UserId.of(conversations.sender(i)),
                    UserId.of(conversations.recipient(i)), bench.text(label + " " + i), Instant.now(), null));
        }
        Set<MessageId> waiting = ConcurrentHashMap.newKeySet();
        backlog.forEach(message -> waiting.add(message.messageId()));
        long before = recipients.received();
        Instant first = null;
        Instant last = null;
        double writeSeconds;
        try (Kafka.Deliveries deliveries = bench.kafka().deliveriesFromNow()) {
            long writing = System.nanoTime();
            bench.kafka().produce(backlog);
            writeSeconds = (System.nanoTime() - writing) / 1e9;
            afterWrite.run();
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            try (var progress = Progress.show("drain", () -> String.format("%,d of %,d delivered",
                    backlog.size() - waiting.size(), backlog.size()))) {
                while (!waiting.isEmpty() && System.nanoTime() < deadline) {
                    for (DeliveryAttempted outcome : deliveries.poll(Duration.ofMillis(200))) {
                        if (Kafka.Deliveries.acceptedOneOf(outcome, waiting)) {
                            waiting.remove(outcome.messageId());
                            first = first == null || outcome.at().isBefore(first) ? outcome.at() : first;
                            last = last == null || outcome.at().isAfter(last) ? outcome.at() : last;
                        }
                    }
                }
            }
        }
        double seconds = first == null ? 0 : Math.max(1e-3, Duration.between(first, last).toNanos() / 1e9);
        long delivered = backlog.size() - waiting.size();
        long received = awaitReceived(recipients, before + delivered) - before;
        return new Drained(writeSeconds, delivered, waiting.size(), seconds, received);
    }

    /** Arrivals at the clients: how many, and the time from the first to the last. */
    static final class ReceiptSpan {

        private final AtomicLong count = new AtomicLong();
        private final AtomicLong first = new AtomicLong();
        private final AtomicLong last = new AtomicLong();

        void arrived() {
            long now = System.nanoTime();
            if (count.getAndIncrement() == 0) {
                first.set(now);
            }
            last.accumulateAndGet(now, Math::max);
        }

        /** Messages per second between the first arrival and the last; 0 with fewer than two. */
        double rate() {
            long n = count.get();
            return n < 2 ? 0 : (n - 1) / Math.max(1e-3, (last.get() - first.get()) / 1e9);
        }
    }

    /** Waits up to 30 s for the clients to have received {@code total}; returns what they have. */
    static long awaitReceived(XmppClients clients, long total) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (clients.received() < total && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return clients.received();
    }

    /** The bench's conversations: sender k writes to recipient k mod R; all accounts exist in ejabberd. */
    record Conversations(List<String> senders, List<String> recipients) {

        static Conversations of(BenchContext bench) throws Exception {
            var conversations = new Conversations(BenchContext.users("s", bench.sizes().conversations()),
                    BenchContext.users("r", bench.sizes().recipients()));
            Set<String> accounts = new HashSet<>(conversations.senders());
            accounts.addAll(conversations.recipients());
            bench.register(List.copyOf(accounts));
            return conversations;
        }

        String sender(int message) {
            return senders.get(message % senders.size());
        }

        String recipient(int message) {
            return recipients.get(message % senders.size() % recipients.size());
        }
    }
}
