package io.chatpipe.bench.scenario;

import io.chatpipe.bench.measure.Arrivals;
import io.chatpipe.bench.measure.FixedRate;
import io.chatpipe.bench.measure.Load;
import io.chatpipe.bench.measure.Progress;
import io.chatpipe.bench.parts.Http;
import io.chatpipe.bench.parts.XmppClients;
import io.chatpipe.bench.report.Figure;
import io.chatpipe.bench.report.ScenarioResult;
import io.chatpipe.events.ChatJson;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.function.IntConsumer;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenario 3: latency from the REST request to receipt by the recipient's online XMPP client, at a fixed rate
 * (half the drain rate measured before, when there is one), beside XMPP client-to-client latency through the
 * same ejabberd at the same rate.
 */
public final class EndToEnd implements Scenario {

    private static final Logger log = LoggerFactory.getLogger(EndToEnd.class);

    @Override
    public String name() {
        return "e2e";
    }

    @Override
    public ScenarioResult run(BenchContext bench) throws Exception {
        var result = new ScenarioResult(name(), "End to end: REST request to receipt by an online XMPP client");
        Drain.Conversations conversations = Drain.Conversations.of(bench);
        Double drainRate = bench.measured().get("drainRate");
        double rate = drainRate != null && drainRate > 0 ? Math.max(1, drainRate / 2) : bench.sizes().endToEndRate();
        result.note(drainRate != null ? String.format("rate %.0f msg/s: half the drain rate measured in this run", rate)
                : String.format("rate %.0f msg/s (configured; no drain rate was measured in this run)", rate));
        int count = (int) Math.max(1, Math.round(rate * bench.sizes().endToEnd().toNanos() / 1e9));
        double seconds = count / rate;
        var viaChatpipe = new Arrivals();
        var direct = new Arrivals();
        var warm = new Arrivals();
        var senders = conversations.senders().subList(0, Math.min(conversations.senders().size(),
                conversations.recipients().size()));
        bench.services().startWorker();
        URI messages = bench.targets().api("/api/v1/messages");

        try (XmppClients recipients = XmppClients.login(bench.targets().xmpp(), conversations.recipients(),
                BenchContext.PASSWORD, body -> arrived(body, Map.of("e2e", viaChatpipe, "c2c", direct, "warm", warm)));
             XmppClients directSenders = XmppClients.login(bench.targets().xmpp(), senders, BenchContext.PASSWORD,
                     body -> { })) {
            // not measured: the first message of each conversation has the worker provision its users
            int conversationCount = conversations.senders().size();
            log.info("End to end: warming up, one message in each of the {} conversations", conversationCount);
            Histogram warmMicros = new ConcurrentHistogram(3);
            measure("warm-up", warm, conversationCount, rate, conversationCount / rate,
                    i -> post(bench, messages, conversations, "warm", i, warm, warmMicros));

            log.info("End to end 1/2: {} messages at {} msg/s, POST /api/v1/messages to the recipient's XMPP client",
                    count, Math.round(rate));
            bench.ejabberd().emptyArchives();
            Histogram acceptMicros = new ConcurrentHistogram(3);
            Load e2e = result.load(measure(String.format("REST to XMPP client via chatpipe, %.0f msg/s", rate),
                    viaChatpipe, count, rate, seconds,
                    i -> post(bench, messages, conversations, "e2e", i, viaChatpipe, acceptMicros)));
            // how much of it is the accept: the rest is Kafka to the worker, the worker, and ejabberd
            result.load(Load.of("REST accept of the same requests", acceptMicros, acceptMicros.getTotalCount(), 0,
                    seconds, null));
            log.info("End to end 2/2: {} messages at {} msg/s, XMPP client to XMPP client through ejabberd",
                    count, Math.round(rate));
            bench.ejabberd().emptyArchives();
            Load c2c = result.load(measure(String.format("XMPP client to client, %.0f msg/s", rate), direct, count,
                    rate, seconds, i -> {
                        try {
                            directSenders.send(i, conversations.recipients().get(i % conversations.recipients().size()),
                                    bench.text("c2c " + i));
                        } catch (Exception e) {
                            direct.failed(i, e);
                        }
                    }));
            for (double percentile : new double[] {50, 99, 99.9}) {
                result.figure(Figure.latency(name(), "REST to XMPP client, p" + label(percentile),
                        at(e2e, percentile), "XMPP client to client p" + label(percentile), at(c2c, percentile),
                        percentile == 99 ? "≤ 3x" : ""));
            }
            result.note("latency runs from when each request was due (open loop, no coordinated omission) to the "
                    + "recipient client's receipt; sender and receiver share this JVM's clock");
        }
        return result;
    }

    /** Message {@code i} over REST, labelled for its arrival; the time to its 202 goes to {@code acceptMicros}. */
    private static void post(BenchContext bench, URI messages, Drain.Conversations conversations, String label, int i,
                             Arrivals arrivals, Histogram acceptMicros) {
        try {
            long sent = System.nanoTime();
            Http.expect(bench.http().postJson(messages, ChatJson.MAPPER.writeValueAsString(Map.of(
                    "fromId", conversations.sender(i), "toId", conversations.recipient(i),
                    "message", bench.text(label + " " + i)))), 202);
            acceptMicros.recordValue((System.nanoTime() - sent) / 1000);
        } catch (Exception e) {
            arrivals.failed(i, e);
        }
    }

    private static Load measure(String name, Arrivals arrivals, int count, double rate, double seconds,
            IntConsumer send) throws InterruptedException {
        try (var progress = Progress.show(name, () -> String.format("%,d of %,d received", arrivals.received(), count))) {
            FixedRate.send(count, rate, arrivals, send);
            arrivals.await(Duration.ofSeconds(30));
        }
        return arrivals.load(name, seconds);
    }

    /** A body is a label, a message number, then padding: {@code e2e 17 lorem lorem}. */
    private static void arrived(String body, Map<String, Arrivals> byLabel) {
        String[] words = body.split(" ", 3);
        Arrivals arrivals = byLabel.get(words[0]);
        if (arrivals != null && words.length > 1) {
            try {
                arrivals.received(Integer.parseInt(words[1]));
            } catch (NumberFormatException e) {
                // not one of ours
            }
        }
    }

    private static double at(Load load, double percentile) {
        return percentile == 50 ? load.p50Ms() : percentile == 99 ? load.p99Ms() : load.p999Ms();
    }

    private static String label(double percentile) {
        return percentile == 99.9 ? "99.9" : Long.toString(Math.round(percentile));
    }
}
