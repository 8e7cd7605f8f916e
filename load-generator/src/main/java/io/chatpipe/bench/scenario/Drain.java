package io.chatpipe.bench.scenario;

import io.chatpipe.bench.Sizes;
import io.chatpipe.bench.measure.ClosedLoop;
import io.chatpipe.bench.measure.Load;
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
                DRAIN, new ReceiptSpan());
        try (XmppClients recipients = XmppClients.login(bench.targets().xmpp(), conversations.recipients(),
                BenchContext.PASSWORD, body -> {
                    ReceiptSpan span = receipts.get(BenchContext.label(body));
                    if (span != null) {
                        span.arrived();
                    }
                })) {
            log.info("Drain 1/4: {} messages straight into ejabberd's send_stanza, {} callers (ejabberd's ceiling)",
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
            log.info("Drain 2/4: a warm-up backlog of {} messages, then the worker starts (not held to the aim)",
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

            log.info("Drain 3/4: a backlog of {} messages for the running worker, history-service reading it "
                    + "alongside (not held to the aim)", count);
            Drained alongside = drain(bench, recipients, conversations, count, ALONGSIDE, () -> { });
            Load withHistory = result.load(alongside.load("worker drain of a " + count
                    + "-message backlog, warm, history-service reading alongside"));
            bench.measured().put("drainRate", withHistory.itemsPerSecond());

            // the flood has ejabberd and the two cores to itself. The history-service reads every message of a
            // backlog too, exactly once, on the same cores (35-66% of a core while the worker drained, sampled):
            // that is no part of the worker's path to ejabberd, so, as in the ingestion, the figure held to the
            // aim is measured with history-service stopped, and the one with it alongside is kept beside it
            log.info("Drain 4/4: history-service stopped, a backlog of {} messages for the running worker", count);
            var stopped = History.whileStopped(bench, "the drain",
                    () -> drain(bench, recipients, conversations, count, DRAIN, () -> { }));
            Drained drained = stopped.result();
            Load drain = result.load(drained.load("worker drain of a " + count + "-message backlog, warm, "
                    + "history-service stopped"));
            result.note(String.format("history-service was stopped for the last backlog, then caught up on what it "
                    + "missed in %.0f s; the last backlog was written in %.2f s, and the worker delivered it over "
                    + "%.1f s", stopped.catchUpSeconds(), drained.writeSeconds(), drained.seconds()));

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
            result.note(String.format("online recipients (%d XMPP clients) received %,d of %,d flooded messages, and "
                            + "of the three backlogs of %,d: %,d, %,d and %,d; %d conversations, each delivered in "
                            + "order, its waiting messages sent in rounds with one confirmation each",
                    recipients.size(), floodReceived, flood.items(), count, warmUp.received(), alongside.received(),
                    drained.received(), conversations.senders().size()));
            for (Drained missed : List.of(warmUp, alongside, drained)) {
                if (missed.missing() > 0) {
                    result.note(missed.missing() + " backlog messages had no ACCEPTED outcome within 10 minutes");
                }
            }
        }
        return result;
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
