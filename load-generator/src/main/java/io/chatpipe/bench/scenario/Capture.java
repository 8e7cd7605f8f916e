package io.chatpipe.bench.scenario;

import io.chatpipe.bench.scenario.Sizes;
import io.chatpipe.bench.measure.ClosedLoop;
import io.chatpipe.bench.measure.Load;
import io.chatpipe.bench.measure.Progress;
import io.chatpipe.bench.parts.EjabberdArchive;
import io.chatpipe.bench.parts.Kafka;
import io.chatpipe.bench.parts.LagTimer;
import io.chatpipe.bench.parts.XmppClients;
import io.chatpipe.bench.report.Figure;
import io.chatpipe.bench.report.ScenarioResult;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.UserId;
import io.chatpipe.events.UserProvisioned;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenario 6: ordinary XMPP users, in Smack clients of their own, flood replies to chatpipe users, and
 * the rate at which capture writes them to chat.messages is set beside the rate at which ejabberd archives them,
 * its own ceiling on this path: capture reads nothing ejabberd has not archived. The archive rate is taken from
 * the archive rows' own times (ejabberd's clock at storing), the capture rate from the times of capture's records
 * on chat.messages; each over the span from its first to its last. Beside them, capture's own lag timer.
 */
public final class Capture implements Scenario {

    private static final Logger log = LoggerFactory.getLogger(Capture.class);

    @Override
    public String name() {
        return "capture";
    }

    @Override
    public ScenarioResult run(BenchContext bench) throws Exception {
        Sizes sizes = bench.sizes();
        var result = new ScenarioResult(name(), "Capture: XMPP users' replies captured/s beside ejabberd's archiving");
        int count = sizes.drainMessages();
        // as many XMPP users as the drain has online recipients, each answering every chatpipe user in turn
        List<String> xmppUsers = BenchContext.users("x", sizes.recipients());
        List<String> chatpipeUsers = BenchContext.users("c", sizes.recipients());
        var accounts = new ArrayList<>(xmppUsers);
        accounts.addAll(chatpipeUsers);
        bench.register(accounts);
        // chatpipe's users are those the worker has provisioned: written as the worker writes them
        bench.kafka().provision(chatpipeUsers.stream().map(user -> UserProvisioned.of(UserId.of(user),
                user + "@" + bench.targets().xmppDomain(), true, Instant.now())).toList());
        // one word, new each run, so that only this run's replies are counted, in the archive as on chat.messages
        String label = "reply-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());

        LagTimer lag = LagTimer.capture(bench.http(), bench.targets().capture());
        try (XmppClients recipients = XmppClients.login(bench.targets().xmpp(), chatpipeUsers, BenchContext.PASSWORD,
                     body -> { });
             XmppClients repliers = XmppClients.login(bench.targets().xmpp(), xmppUsers, BenchContext.PASSWORD,
                     body -> { });
             EjabberdArchive archive = EjabberdArchive.connect(bench.targets().archive());
             Kafka.Messages messages = bench.kafka().messagesFromNow()) {
            // capture starts cold: its first rows ever are read by a JVM still compiling (in a quick run without
            // this round, capture's lag p99 was 3.2 s and it wrote 0.58x of ejabberd's rate), so a first round of
            // the same size, not measured, warms it as a capture in service is warm
            log.info("Capture 1/2: {} XMPP users send {} replies to {} chatpipe users, {} at a time, to warm capture "
                    + "up (not measured)", xmppUsers.size(), count, chatpipeUsers.size(), xmppUsers.size());
            Round warmUp = round(bench, repliers, chatpipeUsers, archive, messages, label + "-warm-up", count);
            result.load(warmUp.flood());
            log.info("Capture 2/2: the same again, measured");
            LagTimer.Snapshot lagBefore = lag.read();
            Round round = round(bench, repliers, chatpipeUsers, archive, messages, label, count);
            Load flood = result.load(round.flood());
            EjabberdArchive.Span archived = round.archived();
            Captured captured = round.captured();
            LagTimer.Snapshot lagAfter = lag.read();

            result.load(Load.reported("ejabberd's archiving of the replies into the chatpipe users' archives",
                    archived.rows(), seconds(archived.first(), archived.last()), archived.rate(), 0, 0, 0, 0));
            result.load(Load.reported("capture's writing of the replies to chat.messages (source XMPP)",
                    captured.count, seconds(captured.first, captured.last), captured.rate(), 0, 0, 0, 0));
            result.figure(Figure.rate(name(), "captured replies/s (capture's records on chat.messages)",
                    captured.rate(), "archived by ejabberd/s (its archive rows' times)", archived.rate(), "≈ 1x"));
            var p99 = lagAfter.percentileSince(lagBefore, 99);
            bench.measured().put("captureRate", captured.rate());
            result.note(String.format("%,d replies sent (%.0f/s by the clients), %,d archived in the chatpipe users' "
                            + "archives, %,d captured to chat.messages, %,d of them twice; in the warm-up round before "
                            + "it: %,d sent, %,d archived, %,d captured", flood.items(), flood.itemsPerSecond(),
                    archived.rows(), captured.count, captured.duplicates, warmUp.flood().items(),
                    warmUp.archived().rows(), warmUp.captured().count));
            result.note(String.format("capture's lag p99 (chatpipe_capture_lag_seconds: from ejabberd's archiving of "
                            + "the oldest row of each batch to the batch being in Kafka; the upper bound of its "
                            + "bucket): %s; capture wrote its last reply %s after ejabberd archived its last",
                    p99.isPresent() ? String.format("≤ %.1f ms", p99.getAsDouble()) : "none recorded",
                    archived.last() == null || captured.last == null ? "(none)" : String.format("%.0f ms",
                            Duration.between(archived.last(), captured.last).toNanos() / 1e6)));
            p99.ifPresent(ms -> bench.measured().put("captureLagP99", ms));
        }
        return result;
    }

    /** One round of replies: as the clients sent them, as ejabberd archived them, as capture wrote them. */
    private record Round(Load flood, EjabberdArchive.Span archived, Captured captured) {
    }

    /**
     * The XMPP users send {@code count} replies labelled {@code label}, each client one at a time, to the chatpipe
     * users in turn; then waits up to 5 minutes for ejabberd to have archived them all and capture to have written
     * what ejabberd archived.
     */
    private static Round round(BenchContext bench, XmppClients repliers, List<String> chatpipeUsers,
                               EjabberdArchive archive, Kafka.Messages messages, String label, int count)
            throws Exception {
        var next = new AtomicInteger();
        Load flood = ClosedLoop.forItems("XMPP users' replies to chatpipe users" + (label.endsWith("-warm-up")
                        ? ", warming capture up" : "") + ", sent by " + repliers.size() + " Smack clients",
                repliers.size(), count, Duration.ofMinutes(10), caller -> {
                    int i = next.getAndIncrement();
                    repliers.send(caller, chatpipeUsers.get(i % chatpipeUsers.size()), bench.text(label + " " + i));
                    return 1;
                });
        var captured = new Captured();
        EjabberdArchive.Span archived = new EjabberdArchive.Span(0, null, null);
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        long polled = 0;
        try (var progress = Progress.show("capture", () -> String.format("%,d of %,d captured", captured.count,
                flood.items()))) {
            while ((archived.rows() < flood.items() || captured.count < archived.rows())
                    && System.nanoTime() < deadline) {
                for (Kafka.Messages.Written written : messages.poll(Duration.ofMillis(200))) {
                    captured.add(written, label);
                }
                if (System.nanoTime() - polled > Duration.ofMillis(500).toNanos()) {
                    archived = archive.messages(chatpipeUsers, label + " ");
                    polled = System.nanoTime();
                }
            }
        }
        return new Round(flood, archive.messages(chatpipeUsers, label + " "), captured);
    }

    private static double seconds(Instant first, Instant last) {
        return first == null ? 0 : Duration.between(first, last).toNanos() / 1e9;
    }

    /** This run's replies on chat.messages: how many, the first and last record's time, and repeats. */
    private static final class Captured {

        private final java.util.Set<String> bodies = new java.util.HashSet<>();
        private long count;
        private long duplicates;
        private Instant first;
        private Instant last;

        void add(Kafka.Messages.Written written, String label) {
            MessageAccepted message = written.message();
            if (message.source() != MessageAccepted.Source.XMPP || !label.equals(BenchContext.label(message.message()))) {
                return;
            }
            if (!bodies.add(message.message())) {
                duplicates++;
                return;
            }
            count++;
            first = first == null || written.at().isBefore(first) ? written.at() : first;
            last = last == null || written.at().isAfter(last) ? written.at() : last;
        }

        double rate() {
            return count < 2 ? 0 : (count - 1) / Math.max(1e-3, seconds(first, last));
        }
    }
}
