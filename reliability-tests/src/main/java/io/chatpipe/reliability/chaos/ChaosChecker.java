package io.chatpipe.reliability.chaos;

import io.chatpipe.events.ChatJson;
import io.chatpipe.events.MessageAccepted;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;

/**
 * Checks a chaos run against what chatpipe promises, from three places: chat.messages, the history API, and
 * what the recipients' XMPP clients received; and the way back: the replies those clients sent, which capture
 * brings into history as messages from the XMPP user. Run by {@link ChaosRun} at the end of a run, or on its own
 * (while the stack still runs) from the files a run leaves:
 *
 * <pre>
 * java -cp reliability-tests/target/reliability-tests-VERSION.jar io.chatpipe.reliability.chaos.ChaosChecker \
 *     --results=.data/chaos/results --kafka=127.0.0.1:29092 --history=http://127.0.0.1:28081
 * </pre>
 */
public final class ChaosChecker {

    private static final Logger log = LoggerFactory.getLogger(ChaosChecker.class);
    private static final int EXAMPLES = 10;

    private final ChaosSettings settings;
    private final List<SentMessage> sent;
    private final Supplier<List<ReceivedStanza>> received;
    private final Supplier<List<SentReply>> replies;
    private final String kafka;
    private final HistoryReader history;
    private final String domain;

    public ChaosChecker(ChaosSettings settings, List<SentMessage> sent, Supplier<List<ReceivedStanza>> received,
            Supplier<List<SentReply>> replies, String kafkaBootstrap, String historyUrl, String historyAuthorization,
            String xmppDomain) {
        this.settings = settings;
        this.sent = List.copyOf(sent);
        this.received = received;
        this.replies = replies;
        this.kafka = kafkaBootstrap;
        this.history = new HistoryReader(historyUrl, historyAuthorization);
        this.domain = xmppDomain;
    }

    /**
     * Waits until every accepted message reached its recipient's client and history, or until nothing new
     * arrives for {@code stall}: delivery after a fault catches up by itself, however long a backlog takes to
     * drain, while a lost message never comes.
     */
    public void awaitSettled(Duration stall) throws InterruptedException {
        Set<String> accepted = sent.stream().filter(SentMessage::accepted).map(SentMessage::messageId)
                .collect(Collectors.toSet());
        var xmpp = new Progress(stall);
        while (true) {
            Set<String> arrived = received.get().stream().map(ReceivedStanza::messageId).collect(Collectors.toSet());
            long missing = accepted.stream().filter(id -> !arrived.contains(id)).count();
            if (missing == 0 || xmpp.stalled(missing)) {
                break;
            }
            xmpp.report("Waiting for {} accepted messages to reach their recipients' XMPP clients", missing);
            Thread.sleep(1000);
        }

        Map<Integer, List<SentMessage>> byConversation = acceptedByConversation();
        Map<Integer, Long> missingIn = new HashMap<>();
        byConversation.keySet().forEach(c -> missingIn.put(c, (long) byConversation.get(c).size()));
        var history = new Progress(stall);
        while (true) {
            for (int c : List.copyOf(missingIn.keySet())) {
                Set<String> inHistory = this.history.conversation(settings.sender(c), settings.recipient(c)).stream()
                        .map(HistoryReader.Entry::messageId).collect(Collectors.toSet());
                long missing = byConversation.get(c).stream().filter(m -> !inHistory.contains(m.messageId())).count();
                if (missing == 0) {
                    missingIn.remove(c);
                } else {
                    missingIn.put(c, missing);
                }
            }
            long missing = missingIn.values().stream().mapToLong(Long::longValue).sum();
            if (missing == 0 || history.stalled(missing)) {
                break;
            }
            history.report("Waiting for history to have {} accepted messages", missing);
            Thread.sleep(2000);
        }

        var back = new Progress(stall);
        while (true) {
            Map<Integer, List<SentReply>> sentIn = replies.get().stream()
                    .collect(Collectors.groupingBy(SentReply::conversation));
            long missing = 0;
            for (var entry : sentIn.entrySet()) {
                Set<String> inHistory = this.history.conversation(settings.sender(entry.getKey()),
                        settings.recipient(entry.getKey())).stream().map(HistoryReader.Entry::message)
                        .collect(Collectors.toSet());
                missing += entry.getValue().stream().filter(r -> !inHistory.contains(r.body())).count();
            }
            if (missing == 0 || back.stalled(missing)) {
                break;
            }
            back.report("Waiting for history to have {} replies the XMPP users sent", missing);
            Thread.sleep(2000);
        }
    }

    /** Whether a count still falls, and a progress line every ten seconds. */
    private static final class Progress {

        private final long stallNanos;
        private long best = Long.MAX_VALUE;
        private long lastProgress = System.nanoTime();
        private long lastReport;

        Progress(Duration stall) {
            this.stallNanos = stall.toNanos();
        }

        /** True once the count has not fallen for the stall time. */
        boolean stalled(long missing) {
            if (missing < best) {
                best = missing;
                lastProgress = System.nanoTime();
            }
            return System.nanoTime() - lastProgress > stallNanos;
        }

        void report(String message, long missing) {
            if (System.nanoTime() - lastReport > 10_000_000_000L) {
                lastReport = System.nanoTime();
                log.info(message, missing);
            }
        }
    }

    private Map<Integer, List<SentMessage>> acceptedByConversation() {
        return sent.stream().filter(SentMessage::accepted)
                .collect(Collectors.groupingBy(SentMessage::conversation));
    }

    /** Reads the three places once more and counts. */
    public ChaosReport check(List<InjectedFault> faults) throws InterruptedException {
        List<String> examples = new ArrayList<>();
        Map<String, SentMessage> byId = new HashMap<>();
        for (SentMessage message : sent) {
            byId.put(message.messageId(), message);
        }
        Set<String> accepted = sent.stream().filter(SentMessage::accepted).map(SentMessage::messageId)
                .collect(Collectors.toSet());

        ChaosReport.Topic topic = checkTopic(byId, accepted, examples);

        Map<Integer, List<Copy>> historyCopies = new LinkedHashMap<>();
        Map<Integer, List<Copy>> historyReplies = new LinkedHashMap<>();
        for (int c = 0; c < settings.conversations(); c++) {
            List<Copy> copies = new ArrayList<>();
            List<Copy> answers = new ArrayList<>();
            for (HistoryReader.Entry entry : history.conversation(settings.sender(c), settings.recipient(c))) {
                var copy = new Copy(entry.messageId(), entry.message(), entry.fromId(), entry.toId());
                (settings.parseReply(entry.message()) != null ? answers : copies).add(copy);
            }
            historyCopies.put(c, copies);
            historyReplies.put(c, answers);
        }
        ChaosReport.Replies replyCounts = tallyReplies(settings, replies.get(), historyReplies, examples);
        ChaosReport.Copies inHistory = tally(settings, "history", historyCopies, byId, accepted, false, examples);

        Map<Integer, List<Copy>> xmppCopies = new LinkedHashMap<>();
        List<ReceivedStanza> stanzas = received.get();
        for (ReceivedStanza stanza : stanzas.stream().sorted(archiveOrder(stanzas)).toList()) {
            int[] parsed = settings.parse(stanza.body());
            if (parsed == null) {
                continue;
            }
            String from = stanza.from() == null ? null : stanza.from().substring(0, stanza.from().indexOf('@'));
            xmppCopies.computeIfAbsent(parsed[0], c -> new ArrayList<>())
                    .add(new Copy(stanza.messageId(), stanza.body(), from, stanza.recipient()));
        }
        // at-least-once into XMPP: a second copy of one id is a redelivery, which clients de-duplicate
        ChaosReport.Copies inXmpp = tally(settings, "XMPP", xmppCopies, byId, accepted, true, examples);

        Set<String> lost = new HashSet<>();
        Set<String> inHistoryIds = ids(historyCopies);
        Set<String> inXmppIds = ids(xmppCopies);
        for (String id : accepted) {
            if (!inHistoryIds.contains(id) || !inXmppIds.contains(id)) {
                lost.add(id);
            }
        }
        long refused = sent.stream().filter(m -> m.outcome() == SentMessage.Outcome.REFUSED).count();
        sent.stream().filter(m -> m.outcome() == SentMessage.Outcome.REFUSED).limit(3)
                .forEach(m -> examples.add("refused: " + describe(m)));
        return new ChaosReport(settings.runId(), settings.messages(), settings.conversations(), faults,
                accepted.size(), refused, sent.size() - accepted.size() - refused,
                sent.stream().mapToLong(SentMessage::attempts).sum(), lost.size(), topic, inHistory, inXmpp,
                stanzas.stream().filter(ReceivedStanza::fromArchive).count(), replyCounts,
                examples.stream().limit(EXAMPLES * 3L).toList());
    }

    /**
     * Each recipient's messages in the order of their archive, which a client that syncs from it shows (live
     * copies come in that order; copies fetched after a reconnect take their place in it); in arrival order
     * for a recipient whose server gave a message no archive id.
     */
    static java.util.Comparator<ReceivedStanza> archiveOrder(List<ReceivedStanza> stanzas) {
        Set<String> byArrival = stanzas.stream().filter(s -> s.archivePosition() < 0).map(ReceivedStanza::recipient)
                .collect(Collectors.toSet());
        return java.util.Comparator.comparing(ReceivedStanza::recipient).thenComparingLong(
                s -> byArrival.contains(s.recipient()) ? s.arrival() : s.archivePosition())
                .thenComparingLong(ReceivedStanza::arrival);
    }

    /**
     * The way back: each reply a client sent must be in its conversation's history once, from the XMPP user to
     * the sender, in the order the client sent the conversation's replies.
     */
    static ChaosReport.Replies tallyReplies(ChaosSettings settings, List<SentReply> sent,
            Map<Integer, List<Copy>> inHistory, List<String> examples) {
        Map<String, SentReply> byBody = new HashMap<>();
        sent.forEach(r -> byBody.put(r.body(), r));
        long copies = 0;
        long duplicated = 0;
        long reordered = 0;
        long wrong = 0;
        Set<String> seen = new HashSet<>();
        for (var entry : inHistory.entrySet()) {
            int highest = -1;
            for (Copy copy : entry.getValue()) {
                copies++;
                int[] place = settings.parseReply(copy.body());
                if (place == null || place[0] != entry.getKey()
                        || !settings.recipient(place[0]).equals(copy.from())
                        || !settings.sender(place[0]).equals(copy.to())) {
                    wrong++;
                    examples.add("history: reply where it does not belong: " + copy);
                    continue;
                }
                if (!seen.add(copy.body())) {
                    duplicated++;
                    examples.add("history: reply twice: " + copy);
                    continue;
                }
                if (place[1] < highest) {
                    reordered++;
                    examples.add("history: reply out of order (after k" + highest + "): " + copy);
                }
                highest = Math.max(highest, place[1]);
            }
        }
        long lost = sent.stream().filter(r -> !seen.contains(r.body())).count();
        sent.stream().filter(r -> !seen.contains(r.body())).limit(3)
                .forEach(r -> examples.add("history: reply sent and missing: " + r));
        return new ChaosReport.Replies(sent.size(), copies, lost, duplicated, reordered, wrong);
    }

    /** One copy of a message somewhere: its id, body, and the users (JID localparts for XMPP). */
    record Copy(String messageId, String body, String from, String to) {
    }

    private ChaosReport.Topic checkTopic(Map<String, SentMessage> byId, Set<String> accepted, List<String> examples) {
        List<TopicRecords.Read> records = TopicRecords.readAll(kafka, Duration.ofMinutes(2));
        long unreadable = 0;
        Map<String, Integer> copies = new HashMap<>();
        for (TopicRecords.Read read : records) {
            if (read.error() != null) {
                unreadable++;
                if (examples.size() < EXAMPLES) {
                    examples.add("unreadable record " + read.partition() + "@" + read.offset() + ": " + read.error());
                }
                continue;
            }
            MessageAccepted message = read.message();
            if (message != null && byId.containsKey(message.messageId().toString())) {
                copies.merge(message.messageId().toString(), 1, Integer::sum);
            }
        }
        long missing = accepted.stream().filter(id -> !copies.containsKey(id)).count();
        accepted.stream().filter(id -> !copies.containsKey(id)).limit(3)
                .forEach(id -> examples.add("accepted but not in chat.messages: " + describe(byId.get(id))));
        long extra = copies.values().stream().mapToLong(n -> n - 1).sum();
        long notAcceptedPresent = copies.keySet().stream().filter(id -> !accepted.contains(id)).count();
        return new ChaosReport.Topic(copies.values().stream().mapToLong(Integer::longValue).sum(), unreadable, missing,
                extra, notAcceptedPresent);
    }

    /**
     * Counts one place's copies, each conversation's in the order that place has them.
     *
     * @param copiesAllowed whether a second copy of one id is a redelivery (XMPP) rather than a fault (history)
     */
    static ChaosReport.Copies tally(ChaosSettings settings, String where, Map<Integer, List<Copy>> byConversation,
            Map<String, SentMessage> byId, Set<String> accepted, boolean copiesAllowed, List<String> examples) {
        long received = 0;
        long duplicatesBefore = 0;
        long duplicatesAfter = 0;
        long reordered = 0;
        long wrong = 0;
        Map<String, Integer> copiesOf = new HashMap<>();
        for (var entry : byConversation.entrySet()) {
            int conversation = entry.getKey();
            Set<String> seen = new HashSet<>();
            Map<Integer, String> idOfSeq = new HashMap<>();
            int highest = -1;
            for (Copy copy : entry.getValue()) {
                received++;
                copiesOf.merge(copy.messageId(), 1, Integer::sum);
                SentMessage sent = byId.get(copy.messageId());
                if (sent == null || sent.conversation() != conversation || !correct(settings, sent, copy)) {
                    wrong++;
                    if (examples.size() < EXAMPLES) {
                        examples.add(where + ": unexpected copy " + copy + (sent == null ? "" : " of " + describe(sent)));
                    }
                    continue;
                }
                if (!seen.add(copy.messageId())) {
                    duplicatesBefore++;
                    continue;
                }
                String earlier = idOfSeq.putIfAbsent(sent.seq(), copy.messageId());
                if (earlier != null) {
                    duplicatesAfter++;
                    examples.add(where + ": message sent once, there under two ids: " + describe(sent));
                }
                if (accepted.contains(copy.messageId())) {
                    if (sent.seq() < highest) {
                        reordered++;
                        if (examples.size() < EXAMPLES) {
                            examples.add(where + ": out of order (after n" + highest + "): " + describe(sent));
                        }
                    }
                    highest = Math.max(highest, sent.seq());
                }
            }
        }
        long lost = 0;
        for (String id : accepted) {
            if (!copiesOf.containsKey(id)) {
                lost++;
                if (lost <= 3) {
                    examples.add(where + ": accepted and missing: " + describe(byId.get(id)));
                }
            }
        }
        long notAcceptedOnce = copiesOf.entrySet().stream()
                .filter(e -> !accepted.contains(e.getKey()) && byId.containsKey(e.getKey()) && e.getValue() == 1).count();
        long notAcceptedMore = copiesOf.entrySet().stream()
                .filter(e -> !accepted.contains(e.getKey()) && byId.containsKey(e.getKey()) && e.getValue() > 1).count();
        return new ChaosReport.Copies(received, lost, duplicatesBefore, duplicatesAfter, reordered, notAcceptedOnce,
                copiesAllowed ? 0 : notAcceptedMore, wrong);
    }

    /** Body as sent; sender and recipient as sent (history) or as their JID localparts (XMPP: the same here). */
    private static boolean correct(ChaosSettings settings, SentMessage sent, Copy copy) {
        return settings.body(sent.conversation(), sent.seq()).equals(copy.body())
                && sent.fromId().equals(copy.from()) && sent.toId().equals(copy.to());
    }

    private static Set<String> ids(Map<Integer, List<Copy>> copies) {
        return copies.values().stream().flatMap(List::stream).map(Copy::messageId).collect(Collectors.toSet());
    }

    private static String describe(SentMessage m) {
        return "c" + m.conversation() + " n" + m.seq() + " id " + m.messageId() + " " + m.outcome()
                + " after " + m.attempts() + " attempt(s)" + (m.lastError() == null ? "" : " (" + m.lastError() + ")");
    }

    // ---------------------------------------------------------------------------------------------
    // On its own: java ... ChaosChecker --results=DIR --kafka=HOST:PORT --history=URL
    // with the history key (when history requires one) in CHATPIPE_HISTORY_KEY, never on the command line
    // ---------------------------------------------------------------------------------------------

    public static void main(String[] args) throws Exception {
        Map<String, String> options = ChaosRun.options(args);
        Path results = Path.of(options.getOrDefault("results", ".data/chaos/results"));
        RunFiles files = RunFiles.read(results);
        var checker = new ChaosChecker(files.settings(), files.sent(), files::received, files::replies,
                options.getOrDefault("kafka", "127.0.0.1:29092"),
                options.getOrDefault("history", "http://127.0.0.1:28081"),
                System.getenv("CHATPIPE_HISTORY_KEY") == null ? null : "Bearer " + System.getenv("CHATPIPE_HISTORY_KEY"),
                options.getOrDefault("domain", "localhost"));
        ChaosReport report = checker.check(files.faults());
        log.info("\n{}", report.toText());
        System.exit(report.passed() ? 0 : 1);
    }

    /** What a run leaves in its results directory, for the checker to read again. */
    record RunFiles(ChaosSettings settings, List<SentMessage> sent, List<ReceivedStanza> received,
            List<SentReply> replies, List<InjectedFault> faults) {

        static final String SETTINGS = "settings.json";
        static final String SENT = "sent.ndjson";
        static final String RECEIVED = "received.ndjson";
        static final String REPLIES = "replies.ndjson";
        static final String FAULTS = "faults.json";
        static final String REPORT_JSON = "report.json";
        static final String REPORT_TEXT = "report.txt";

        void write(Path dir, ChaosReport report) throws IOException {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(SETTINGS), ChatJson.MAPPER.writeValueAsString(settings), StandardCharsets.UTF_8);
            Files.write(dir.resolve(SENT), sent.stream().map(ChatJson.MAPPER::writeValueAsString).toList(),
                    StandardCharsets.UTF_8);
            Files.write(dir.resolve(RECEIVED), received.stream().map(ChatJson.MAPPER::writeValueAsString).toList(),
                    StandardCharsets.UTF_8);
            Files.write(dir.resolve(REPLIES), replies.stream().map(ChatJson.MAPPER::writeValueAsString).toList(),
                    StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(FAULTS), ChatJson.MAPPER.writeValueAsString(faults), StandardCharsets.UTF_8);
            if (report != null) {
                Files.writeString(dir.resolve(REPORT_JSON), ChatJson.MAPPER.writerWithDefaultPrettyPrinter()
                        .writeValueAsString(report), StandardCharsets.UTF_8);
                Files.writeString(dir.resolve(REPORT_TEXT), report.toText(), StandardCharsets.UTF_8);
            }
        }

        static RunFiles read(Path dir) throws IOException {
            ChaosSettings settings = ChatJson.MAPPER.readValue(Files.readString(dir.resolve(SETTINGS)),
                    ChaosSettings.class);
            List<SentMessage> sent = Files.readAllLines(dir.resolve(SENT), StandardCharsets.UTF_8).stream()
                    .filter(line -> !line.isBlank()).map(line -> ChatJson.MAPPER.readValue(line, SentMessage.class))
                    .toList();
            List<ReceivedStanza> received = Files.readAllLines(dir.resolve(RECEIVED), StandardCharsets.UTF_8).stream()
                    .filter(line -> !line.isBlank()).map(line -> ChatJson.MAPPER.readValue(line, ReceivedStanza.class))
                    .toList();
            List<SentReply> replies = !Files.exists(dir.resolve(REPLIES)) ? List.of()
                    : Files.readAllLines(dir.resolve(REPLIES), StandardCharsets.UTF_8).stream()
                            .filter(line -> !line.isBlank())
                            .map(line -> ChatJson.MAPPER.readValue(line, SentReply.class)).toList();
            List<InjectedFault> faults = ChatJson.MAPPER.readValue(Files.readString(dir.resolve(FAULTS)),
                    new TypeReference<List<InjectedFault>>() { });
            return new RunFiles(settings, sent, received, replies, faults);
        }
    }
}
