package io.chatpipe.reliability.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.UserId;
import io.chatpipe.reliability.TestStack;
import io.chatpipe.reliability.chaos.TopicRecords;
import io.chatpipe.supervisor.Service;
import io.chatpipe.testsupport.XmppTestClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.jivesoftware.smack.packet.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;

/**
 * The bad-input corpus: several hundred generated cases over REST and the chat WebSocket against the real
 * services (child JVMs), Kafka and ejabberd. Every case gets a 4xx or an ERROR frame (valid odd input a 2xx),
 * never a 5xx; slow and flooding clients are bounded; the services stay up; chat.messages holds only valid
 * records and none from a refused case; and what an XMPP client receives for an injection attempt is the
 * literal text. Each dynamic test is one case, named after what it sends.
 */
@Order(1)
class BadInputCorpusTests {

    /** Receives the accepted cases whose text must arrive literally. */
    static final String LITERAL_RECIPIENT = "corpus-inj";
    private static final Pattern TOKEN = Pattern.compile("cq\\d{4}x(i\\d+)?");

    static TestStack stack;
    static final Map<String, XmppTestClient> recipients = new LinkedHashMap<>();

    @BeforeAll
    static void startTheStackAndTheRecipients() {
        stack = TestStack.shared();
        // odd but valid recipients get clients too, logged in under their escaped JIDs
        List<String> ids = new ArrayList<>(List.of(LITERAL_RECIPIENT));
        Injections.IDS.stream().filter(Oracle::validUser).forEach(ids::add);
        for (String id : ids) {
            String localpart = UserId.of(id).localpart();
            recipients.put(UserId.of(id).value(), XmppTestClient.register(stack.ejabberd, localpart, "pw-" + ids.indexOf(id)
                    + "-corpus"));
        }
        // history answers 503 until its stores are up; the corpus wants its real answers
        Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() ->
                RawHttp.exchange(stack.port(Service.HISTORY), RawHttp.request("GET",
                        "/api/v1/conversations/corpus-a/corpus-b/messages",
                        Map.of("Authorization", stack.corpusKey.authorization()), null), Duration.ofSeconds(10))
                        .status() == 200);
    }

    @AfterAll
    static void closeTheRecipients() {
        recipients.values().forEach(XmppTestClient::close);
    }

    @TestFactory
    Stream<DynamicNode> everyBadInputIsRefusedAndNothingBadGetsThrough() throws Exception {
        var markers = new Markers();
        List<RestCase> rest = new RestCorpus(markers, stack.corpusKey.authorization(), LITERAL_RECIPIENT).generate();
        List<WsCase> ws = new WsCorpus(markers, LITERAL_RECIPIENT).generate();
        var run = new CorpusRun(stack);

        SlowClients slow = SlowClients.start(stack.port(Service.API), stack.port(Service.HISTORY),
                stack.corpusKey.authorization(), markers.next());
        Map<RestCase, RawHttp.Response> restOutcomes = run.rest(rest);
        Map<WsCase, CorpusRun.WsOutcome> wsOutcomes = run.webSocket(ws);
        String meanwhile = markers.next();
        RawHttp.Response servedMeanwhile = RawHttp.exchange(stack.port(Service.API), RawHttp.request("POST",
                RestCorpus.SINGLE, Map.of("Content-Type", "application/json", "Authorization",
                        stack.corpusKey.authorization()), Json.obj(Json.message("corpus-a", "corpus-b",
                        meanwhile + " served while slow clients stall", null)).getBytes()), Duration.ofSeconds(30));
        Flood flood = flood(markers);
        WsFlood wsFlood = wsFlood(run);
        Map<String, RawHttp.Response> slowOutcomes = slow.await();

        // what reached Kafka, by case marker
        Map<String, Integer> copies = new HashMap<>();
        List<String> badRecords = new ArrayList<>();
        for (TopicRecords.Read read : TopicRecords.readAll(stack.stack.kafkaBootstrap(), Duration.ofMinutes(2))) {
            String problem = problem(read);
            if (problem != null) {
                badRecords.add(read.partition() + "@" + read.offset() + ": " + problem);
            }
            if (read.message() != null) {
                Set<String> tokens = tokens(read.message());
                if (tokens.isEmpty()) {
                    badRecords.add(read.partition() + "@" + read.offset() + ": from no case of the corpus: "
                            + read.message());
                }
                tokens.forEach(t -> copies.merge(t, 1, Integer::sum));
            }
        }

        List<DynamicNode> nodes = new ArrayList<>();
        nodes.add(dynamicContainer("REST: " + rest.size() + " cases", rest.stream().map(c -> dynamicTest(
                display(c.toString()), () -> named(c.toString(), () -> checkRest(c, restOutcomes.get(c), copies))))));
        nodes.add(dynamicContainer("WebSocket: " + ws.size() + " cases", ws.stream().map(c -> dynamicTest(
                display(c.toString()), () -> named(c.toString(), () -> checkWebSocket(c, wsOutcomes.get(c), copies))))));
        nodes.add(dynamicTest("the corpus has at least 500 cases", () -> assertThat(rest.size() + ws.size())
                .isGreaterThanOrEqualTo(500)));
        nodes.add(dynamicContainer("slow clients", Stream.concat(slowOutcomes.entrySet().stream().map(e -> dynamicTest(
                e.getKey() + ": a 4xx or a close within " + SlowClients.BOUND, () -> {
                    RawHttp.Response response = e.getValue();
                    assertThat(response.serverError()).as("%s", response).isFalse();
                    assertThat(response.clientError() || response.status() == 0
                            && !response.failure().startsWith("no more bytes")).as("%s", response).isTrue();
                })), Stream.of(dynamicTest("others are served while they stall", () ->
                assertThat(servedMeanwhile.status()).as("%s", servedMeanwhile).isEqualTo(202))))));
        nodes.add(dynamicTest("a flood from one API key gets 2xx or 429, never a 5xx; other keys go on", () -> {
            assertThat(flood.statuses().keySet()).as("statuses %s", flood.statuses()).containsOnly(202, 429);
            assertThat(flood.statuses()).containsKey(429);
            assertThat(flood.other().status()).as("%s", flood.other()).isEqualTo(202);
            flood.markers().forEach((marker, accepted) -> assertThat(copies.getOrDefault(marker, 0))
                    .as("copies in chat.messages of flood request %s (%s)", marker, accepted ? "202" : "429")
                    .isEqualTo(accepted ? 1 : 0));
        }));
        nodes.add(dynamicTest("a flood of frames from one WebSocket gets ERRORs, then a close; never an error of ours", () -> {
            assertThat(wsFlood.errors()).as("ERROR frames").isPositive();
            assertThat(wsFlood.closeCode()).as("close status (1008: policy violation)").isEqualTo(1008);
        }));
        nodes.add(dynamicTest("chat.messages holds only valid records, each from an accepted case",
                () -> assertThat(badRecords).isEmpty()));
        nodes.add(dynamicContainer("XMPP clients receive accepted odd text literally", literals(rest, restOutcomes, ws,
                wsOutcomes)));
        nodes.add(dynamicTest("every service is UP after the corpus", () -> {
            for (Service service : stack.stack.settings().services()) {
                assertThat(stack.stack.healthy(service)).as("%s health", service.module()).isTrue();
            }
        }));
        return nodes.stream();
    }

    // -------------------------------------------------------------------------------------------------

    private static void checkRest(RestCase c, RawHttp.Response response, Map<String, Integer> copies) {
        assertThat(response.status()).as("no answer: %s", response).isNotZero();
        assertThat(response.serverError()).as("a 5xx: %s", response).isFalse();
        if (c.knownIssue() != null) {
            if (c.carriesMessages() && response.status() >= 200 && response.status() < 300) {
                assertThat(copiesOfCase(copies, c.marker())).as("copies in chat.messages").isEqualTo(1);
            }
            return;
        }
        assertThat(c.expect().allows(response.status())).as("expected %s, got %s", c.expect(), response).isTrue();
        List<Boolean> itemsAccepted = new ArrayList<>();
        if (c.items() != null && response.status() == 200) {
            JsonNode results = CorpusRun.json(response.body()).path("results");
            assertThat(results.size()).as("results of %s", response).isEqualTo(c.items().size());
            for (int i = 0; i < c.items().size(); i++) {
                int status = results.get(i).path("status").asInt();
                assertThat(status).as("item %d: 5xx in %s", i, response).isLessThan(500);
                assertThat(c.items().get(i).allows(status)).as("item %d: expected %s in %s", i, c.items().get(i), response)
                        .isTrue();
                itemsAccepted.add(status >= 200 && status < 300);
            }
        }
        if (c.carriesMessages()) {
            boolean accepted = response.status() >= 200 && response.status() < 300;
            if (itemsAccepted.size() > 1) {
                for (int i = 0; i < itemsAccepted.size(); i++) {
                    assertThat(copies.getOrDefault(c.marker() + "i" + i, 0)).as("copies in chat.messages of item %d", i)
                            .isEqualTo(itemsAccepted.get(i) ? 1 : 0);
                }
            } else if (itemsAccepted.size() == 1) {
                assertThat(copies.getOrDefault(c.marker(), 0)).as("copies in chat.messages")
                        .isEqualTo(itemsAccepted.getFirst() ? 1 : 0);
            } else if (accepted) {
                assertThat(copies.getOrDefault(c.marker(), 0)).as("copies in chat.messages of an accepted case")
                        .isEqualTo(1);
            } else {
                assertThat(copiesOfCase(copies, c.marker())).as("copies in chat.messages of a refused case (%s)",
                        response).isZero();
            }
        }
    }

    private static void checkWebSocket(WsCase c, CorpusRun.WsOutcome outcome, Map<String, Integer> copies) {
        assertThat(outcome.serverError()).as("an error of ours: %s", outcome).isFalse();
        assertThat(outcome.kind()).as("%s", outcome).isNotEqualTo(CorpusRun.WsOutcome.Kind.FAILED);
        if (c.knownIssue() != null) {
            assertThat(copiesOfCase(copies, c.marker())).as("copies in chat.messages").isLessThanOrEqualTo(1);
            return;
        }
        assertThat(outcome.kind()).as("%s", outcome).isNotEqualTo(CorpusRun.WsOutcome.Kind.NOTHING);
        boolean ok = switch (c.expect()) {
            case REFUSED -> outcome.refused();
            case ACCEPTED -> outcome.accepted();
            case EITHER -> outcome.refused() || outcome.accepted() || outcome.answered();
        };
        assertThat(ok).as("expected %s (DELIVERY_STATUS SENT back when accepted, ERROR/FORBIDDEN/a protocol close when "
                + "refused), got %s", c.expect(), outcome).isTrue();
        assertThat(copiesOfCase(copies, c.marker())).as("copies in chat.messages")
                .isEqualTo(outcome.accepted() ? 1 : 0);
    }

    private static int copiesOfCase(Map<String, Integer> copies, String marker) {
        return copies.entrySet().stream().filter(e -> e.getKey().startsWith(marker)).mapToInt(Map.Entry::getValue).sum();
    }

    /** Every accepted case with a literal: its recipient's client has it, text and sender exactly as sent. */
    private static Stream<DynamicNode> literals(List<RestCase> rest, Map<RestCase, RawHttp.Response> restOutcomes,
            List<WsCase> ws, Map<WsCase, CorpusRun.WsOutcome> wsOutcomes) {
        Map<String, Literal> expected = new LinkedHashMap<>();
        Map<String, String> names = new HashMap<>();
        for (RestCase c : rest) {
            RawHttp.Response response = restOutcomes.get(c);
            if (c.literal() != null && response.status() >= 200 && response.status() < 300) {
                JsonNode body = CorpusRun.json(response.body());
                String id = c.items() != null ? body.path("results").path(0).path("messageId").asString(null)
                        : body.path("messageId").asString(null);
                if (id != null) {
                    expected.put(id, c.literal());
                    names.put(id, c.toString());
                }
            }
        }
        for (WsCase c : ws) {
            CorpusRun.WsOutcome outcome = wsOutcomes.get(c);
            if (c.literal() != null && outcome.accepted() && outcome.messageId() != null) {
                expected.put(outcome.messageId(), c.literal());
                names.put(outcome.messageId(), c.toString());
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        return expected.entrySet().stream().map(e -> dynamicTest(display(names.get(e.getKey())), () -> named(
                names.get(e.getKey()), () -> {
            Literal literal = e.getValue();
            XmppTestClient client = recipients.get(UserId.of(literal.recipient()).value());
            assertThat(client).as("a client for %s", literal.recipient()).isNotNull();
            Duration left = Duration.ofNanos(Math.max(Duration.ofSeconds(1).toNanos(), deadline - System.nanoTime()));
            Message received = client.awaitMessage(left, m -> e.getKey().equals(m.getStanzaId()));
            // XML turns every line end into LF (XML 1.0 2.11): the worker sends a CR as &#13;, but ejabberd
            // passes it on as a raw CR, which the client's parser reads as LF. No XMPP client can see a CR.
            assertThat(received.getBody()).as("the body").isEqualTo(literal.text().replace("\r\n", "\n")
                    .replace('\r', '\n'));
            String from = received.getFrom().asBareJid().toString();
            assertThat(from).as("the sender's JID").isEqualTo(UserId.of(literal.sender()).jid(stack.ejabberd.domain()));
            assertThat(UserId.fromLocalpart(from.substring(0, from.indexOf('@'))).value()).as("the sender, unescaped")
                    .isEqualTo(UserId.of(literal.sender()).value());
        })));
    }

    /** What is wrong with a record of chat.messages, or null when it is a valid accepted message. */
    private static String problem(TopicRecords.Read read) {
        if (read.error() != null) {
            return "unreadable: " + read.error();
        }
        MessageAccepted m = read.message();
        if (m == null) {
            return "a null value";
        }
        if (m.messageId() == null || m.conversationId() == null || m.fromId() == null || m.toId() == null
                || m.acceptedAt() == null || m.message() == null || m.schema() < 1) {
            return "a field missing: " + m;
        }
        if (!m.conversationId().equals(ConversationId.between(m.fromId(), m.toId()))) {
            return "conversation " + m.conversationId() + " is not between " + m.fromId() + " and " + m.toId();
        }
        if (!m.conversationId().value().equals(read.key())) {
            return "keyed " + read.key() + " but of conversation " + m.conversationId();
        }
        if (!Oracle.validText(m.message())) {
            return "text XMPP cannot carry, blank or over 64 KiB (" + m.message().length() + " chars)";
        }
        return null;
    }

    private static Set<String> tokens(MessageAccepted message) {
        Set<String> all = new java.util.HashSet<>();
        for (String text : new String[] {message.message(), message.clientMessageId()}) {
            if (text != null) {
                Matcher m = TOKEN.matcher(text);
                while (m.find()) {
                    all.add(m.group());
                }
            }
        }
        // a batch item's own marker, when it has one, says more than its case's
        Set<String> items = all.stream().filter(t -> t.contains("xi")).collect(Collectors.toSet());
        return items.isEmpty() ? all : items;
    }

    // -------------------------------------------------------------------------------------------------

    record Flood(Map<Integer, Integer> statuses, Map<String, Boolean> markers, RawHttp.Response other) {
    }

    /** 300 requests at once from the key limited to 20 messages a second. */
    private static Flood flood(Markers markers) throws Exception {
        Map<String, Boolean> accepted = new ConcurrentHashMap<>();
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        try (var executor = Executors.newFixedThreadPool(16)) {
            List<Future<?>> requests = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                String marker = markers.next();
                requests.add(executor.submit(() -> {
                    RawHttp.Response response = RawHttp.exchange(stack.port(Service.API), RawHttp.request("POST",
                            RestCorpus.SINGLE, Map.of("Content-Type", "application/json", "Authorization",
                                    stack.floodKey.authorization()), Json.obj(Json.message("corpus-flood", "corpus-b",
                                    marker + " flood", marker)).getBytes()), Duration.ofSeconds(30));
                    statuses.merge(response.status(), 1, Integer::sum);
                    accepted.put(marker, response.status() == 202);
                }));
            }
            for (Future<?> request : requests) {
                request.get();
            }
        }
        String marker = markers.next();
        RawHttp.Response other = RawHttp.exchange(stack.port(Service.API), RawHttp.request("POST", RestCorpus.SINGLE,
                Map.of("Content-Type", "application/json", "Authorization", stack.corpusKey.authorization()),
                Json.obj(Json.message("corpus-a", "corpus-b", marker + " after the flood", marker)).getBytes()),
                Duration.ofSeconds(30));
        accepted.put(marker, other.status() == 202);
        return new Flood(Map.copyOf(statuses), Map.copyOf(accepted), other);
    }

    record WsFlood(int errors, int closeCode) {
    }

    /**
     * 150 GET_CONTACTS frames at once on one connection (the limit is 20 a second, 40 at once). Cheap frames:
     * NEW_MESSAGE frames each wait for Kafka, which paces a client below the limit by itself.
     */
    private static WsFlood wsFlood(CorpusRun run) throws IOException {
        try (RawWebSocket socket = RawWebSocket.open(stack.port(Service.API), "/ws/chat?token=" + run.login(), Map.of(),
                Duration.ofSeconds(30))) {
            socket.await(f -> CorpusRun.type(f).equals("JOIN_SUCCESS"), Duration.ofSeconds(30));
            try {
                for (int i = 0; i < 150; i++) {
                    socket.sendText("{\"messageType\":\"GET_CONTACTS\"}");
                }
            } catch (IOException e) {
                // closed by the server part way: what it said counts
            }
            int errors = 0;
            while (true) {
                RawWebSocket.Frame frame = socket.await(f -> CorpusRun.type(f).equals("ERROR"), Duration.ofSeconds(30));
                if (frame == null) {
                    return new WsFlood(errors, 0);
                }
                if (frame.opcode() == RawWebSocket.CLOSE) {
                    return new WsFlood(errors, frame.closeCode());
                }
                errors++;
            }
        }
    }

    /** Runs a check, its failure message starting with the case's name. */
    private static void named(String name, Runnable check) {
        try {
            check.run();
        } catch (AssertionError e) {
            throw new AssertionError(display(name) + ": " + e.getMessage(), e);
        }
    }

    /** A display name JUnit's reports can hold: printable, not too long. */
    static String display(String name) {
        String printable = name.codePoints().mapToObj(cp -> cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || cp == 0xFFFE
                || cp == 0xFFFF || Character.getType(cp) == Character.SURROGATE || Character.getType(cp) == Character.FORMAT
                ? String.format("\\u%04x", cp) : new String(Character.toChars(cp))).collect(Collectors.joining());
        return printable.length() > 240 ? printable.substring(0, 240) + "..." : printable;
    }
}
