package io.chatpipe.api.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.api.Http;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Failed logins on every door of the api-service that checks a chat password (sessions, XMPP credentials, the
 * legacy WebSocket path), against the real broker: beyond the bound a guess is refused with 429 (or FORBIDDEN
 * saying when to retry) without a hash computed, the right password works once the delay has passed, and other
 * accounts and instances are not touched. Hashes are counted by the service's own {@code chatpipe.logins.hashes}.
 */
class FailedLoginsTests {

    static final String SESSIONS = "/api/v1/sessions";
    static final String CREDENTIALS = "/api/v1/xmpp-credentials";

    /**
     * Three failures an account within 30 s: the first lock lasts 10 s. (A shorter window would give a failure back
     * while a test on a busy machine is still guessing.)
     */
    static ChatService service;

    @BeforeAll
    static void start() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        service = ChatService.start("--chatpipe.api.logins.account-failures=3",
                "--chatpipe.api.logins.window=30s",
                "--chatpipe.api.logins.address-failures=1000",
                "--chatpipe.api.websocket.legacy-password-path=true",
                "--chatpipe.api.xmpp.password-key=" + Base64.getEncoder().encodeToString(key));
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void guessesBeyondTheBoundGet429WithoutAHashAndTheRightPasswordWorksAfterTheDelay() throws Exception {
        String alice = ChatService.user("alice");
        String bob = ChatService.user("bob");
        assertThat(login(service, alice, "right").statusCode()).isEqualTo(201);
        assertThat(login(service, bob, "bobs").statusCode()).isEqualTo(201);
        for (int i = 0; i < 3; i++) {
            assertThat(login(service, alice, "guess " + i).statusCode()).isEqualTo(403);
        }
        double hashes = hashes(service);
        double throttled = counter(service, "chatpipe.logins.throttled", "sessions");

        List<HttpResponse<String>> refused = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            refused.add(login(service, alice, "guess " + (3 + i)));
        }
        refused.add(login(service, alice, "right"));

        assertThat(refused).allSatisfy(response -> {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(429);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(Integer.parseInt(response.headers().firstValue("Retry-After").orElseThrow()))
                    .as("the first lock: 30 s / 3").isBetween(1, 10);
        });
        assertThat(hashes(service)).as("no password of a throttled login was hashed").isEqualTo(hashes);
        assertThat(counter(service, "chatpipe.logins.throttled", "sessions")).isEqualTo(throttled + 6);
        assertThat(login(service, bob, "bobs").statusCode()).as("another account").isEqualTo(201);

        Thread.sleep(Duration.ofSeconds(Long.parseLong(refused.getLast().headers().firstValue("Retry-After")
                .orElseThrow())));   // what Retry-After said
        assertThat(login(service, alice, "right").statusCode()).isEqualTo(201);
        assertThat(login(service, alice, "one more guess").statusCode())
                .as("the success started the account afresh").isEqualTo(403);
    }

    @Test
    void theXmppCredentialsDoorCountsAndRefusesAsTheSessionsDoorDoes() throws Exception {
        String carla = ChatService.user("carla");
        assertThat(login(service, carla, "right").statusCode()).isEqualTo(201);
        double failed = counter(service, "chatpipe.logins.failed", "xmpp-credentials");
        assertThat(login(service, carla, "guess").statusCode()).isEqualTo(403);
        assertThat(post(service, CREDENTIALS, carla, "guess").statusCode()).isEqualTo(403);
        assertThat(post(service, CREDENTIALS, carla, "guess").statusCode()).isEqualTo(403);
        double hashes = hashes(service);

        HttpResponse<String> refused = post(service, CREDENTIALS, carla, "right");

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(refused.body()).doesNotContain("\"password\"");
        assertThat(hashes(service)).isEqualTo(hashes);
        assertThat(counter(service, "chatpipe.logins.failed", "xmpp-credentials")).isEqualTo(failed + 2);
        Thread.sleep(Duration.ofSeconds(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow())));
        assertThat(post(service, CREDENTIALS, carla, "right").statusCode()).isEqualTo(200);
    }

    @Test
    void theLegacyWebSocketPathSaysWhenToRetryWithoutAHash() {
        String dora = ChatService.user("dora");
        assertThat(login(service, dora, "right").statusCode()).isEqualTo(201);
        for (int i = 0; i < 3; i++) {
            try (ChatClient wrong = ChatClient.open(service.legacy(dora, "guess " + i))) {
                assertThat(wrong.next().path("messageType").asString()).isEqualTo("FORBIDDEN");
            }
        }
        double hashes = hashes(service);

        try (ChatClient throttled = ChatClient.open(service.legacy(dora, "right"))) {
            var frame = throttled.next();
            assertThat(frame.path("messageType").asString()).isEqualTo("FORBIDDEN");
            assertThat(frame.path("content").asString()).contains("retry after");
            assertThat(throttled.awaitClose()).as("try again later").isEqualTo(1013);
        }
        assertThat(hashes(service)).isEqualTo(hashes);
        assertThat(counter(service, "chatpipe.logins.throttled", "legacy-websocket")).isPositive();
    }

    @Test
    void anAddressBeyondItsBoundIsRefusedForEveryAccountButOtherAddressesAreNot() throws Exception {
        try (ChatService strict = ChatService.start("--chatpipe.api.logins.address-failures=3")) {
            List<String> users = List.of(ChatService.user("erin"), ChatService.user("fred"), ChatService.user("gina"));
            for (String user : users) {
                assertThat(login(strict, user, "own").statusCode()).isEqualTo(201);
                assertThat(login(strict, user, "guess").statusCode()).isEqualTo(403);
            }
            double hashes = hashes(strict);

            HttpResponse<String> refused = login(strict, users.getFirst(), "own");

            assertThat(refused.statusCode()).as("127.0.0.1 is locked, for every account").isEqualTo(429);
            assertThat(hashes(strict)).isEqualTo(hashes);
            assertThat(fromSecondLoopbackAddress(strict).postJson(SESSIONS, body(users.getFirst(), "own")).statusCode()).isEqualTo(201);
        }
    }

    @Test
    void eachInstanceCountsItsOwnFailuresAsTheReadmeSays() {
        String heidi = ChatService.user("heidi");
        assertThat(login(service, heidi, "right").statusCode()).isEqualTo(201);
        for (int i = 0; i < 3; i++) {
            login(service, heidi, "guess " + i);
        }
        assertThat(login(service, heidi, "right").statusCode()).isEqualTo(429);

        try (ChatService other = ChatService.start("--chatpipe.api.logins.account-failures=3",
                "--chatpipe.api.logins.window=30s")) {
            double hashes = hashes(other);
            assertThat(login(other, heidi, "guess").statusCode())
                    .as("the other instance has its own count: N instances allow N times the bound").isEqualTo(403);
            assertThat(hashes(other)).isEqualTo(hashes + 1);
            assertThat(login(other, heidi, "right").statusCode()).isEqualTo(201);
        }
    }

    @Test
    void aLoginFloodIsBoundedWhileMessagesAreStillAccepted() throws Exception {
        // every guess a different account, so that the throttle does not stop the flood: the hashing bound must
        try (ChatService bounded = ChatService.start("--chatpipe.api.logins.concurrent-hashes=1",
                "--chatpipe.api.logins.queued-hashes=1", "--chatpipe.api.logins.address-failures=100000")) {
            String victim = ChatService.user("ivan");
            assertThat(login(bounded, victim, "right").statusCode()).isEqualTo(201);
            var answers = new ConcurrentHashMap<Integer, AtomicInteger>();
            var flooding = new AtomicBoolean(true);
            var during = new AtomicInteger();
            int accepted = 0;
            int messages = 50;
            try (var flood = Executors.newFixedThreadPool(8)) {
                List<Future<?>> guessers = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    guessers.add(flood.submit(() -> {
                        Http own = Http.to(bounded.port());
                        while (flooding.get()) {
                            int status = own.postJson(SESSIONS, body(ChatService.user("flood"), "pw")).statusCode();
                            answers.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                        }
                        return null;
                    }));
                }
                while (answers.values().stream().mapToInt(AtomicInteger::get).sum() < 8) {
                    Thread.sleep(10);
                }
                String alice = ChatService.user("alice");
                for (int i = 0; i < messages; i++) {
                    int before = answers.values().stream().mapToInt(AtomicInteger::get).sum();
                    var sent = bounded.http().postJson("/api/v1/messages", "{\"fromId\": \"" + alice
                            + "\", \"toId\": \"" + victim + "\", \"message\": \"during the flood " + i + "\"}");
                    if (sent.statusCode() == 202) {
                        accepted++;
                    }
                    if (answers.values().stream().mapToInt(AtomicInteger::get).sum() > before) {
                        during.incrementAndGet();
                    }
                }
                flooding.set(false);
                for (Future<?> guesser : guessers) {
                    guesser.get();
                }
            }

            assertThat(accepted).as("every message was accepted while the logins flooded in").isEqualTo(messages);
            assertThat(during.get()).as("logins were answered while messages were sent").isPositive();
            assertThat(answers).as("some logins were refused for want of room to hash: %s", answers)
                    .containsKey(503);
            assertThat(answers.keySet()).as("%s", answers).containsOnly(201, 503);
            assertThat(counter(bounded, "chatpipe.logins.busy", "sessions")).isEqualTo(answers.get(503).get());
        }
    }

    @Test
    void anAddressThatGuessedWrongAndFloodsFasterThanItIsHashedIsLockedWithinTheBoundOfAttempts() throws Exception {
        int bound = 20;
        int guessers = 8;
        try (ChatService gated = ChatService.start("--chatpipe.api.logins.concurrent-hashes=1",
                "--chatpipe.api.logins.queued-hashes=0", "--chatpipe.api.logins.address-failures=" + bound,
                "--chatpipe.api.logins.account-failures=1000", "--chatpipe.api.logins.hashing-share=1")) {
            List<String> victims = List.of(ChatService.user("jane"), ChatService.user("karl"));
            for (String victim : victims) {
                assertThat(login(gated, victim, "own").statusCode()).isEqualTo(201);
            }
            double hashes = hashes(gated);
            // a wrong guess checked puts the address on record: from then on its refusals count as well
            assertThat(fromSecondLoopbackAddress(gated).postJson(SESSIONS, body(victims.getFirst(), "first guess"))
                    .statusCode()).isEqualTo(403);
            var answers = new ConcurrentHashMap<Integer, AtomicInteger>();
            try (var flood = Executors.newFixedThreadPool(guessers)) {
                List<Future<?>> sent = new ArrayList<>();
                for (int t = 0; t < guessers; t++) {
                    int guesser = t;
                    sent.add(flood.submit(() -> {
                        Http own = fromSecondLoopbackAddress(gated);
                        for (int i = 0; i < 25; i++) {
                            int status = own.postJson(SESSIONS, body(victims.get(i % 2), "guess " + guesser + "-" + i))
                                    .statusCode();
                            answers.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                        }
                        return null;
                    }));
                }
                for (Future<?> guesser : sent) {
                    guesser.get();
                }
            }
            int checked = answers.getOrDefault(403, new AtomicInteger()).get();
            int busy = answers.getOrDefault(503, new AtomicInteger()).get();

            assertThat(answers.keySet()).as("%s", answers).containsOnly(403, 503, 429);
            assertThat(busy).as("guesses refused unhashed, for want of room: %s", answers).isPositive();
            assertThat(checked + busy)
                    .as("refused or not, each counted against the address: the bound, and those already let past "
                            + "the lock when it began (%s)", answers)
                    .isLessThanOrEqualTo(bound - 1 + guessers);
            assertThat(hashes(gated) - hashes).isEqualTo(1 + checked);
            assertThat(fromSecondLoopbackAddress(gated).postJson(SESSIONS, body(victims.getFirst(), "own"))
                    .statusCode()).as("the address is locked, for the right password too").isEqualTo(429);
            assertThat(login(gated, victims.getFirst(), "own").statusCode())
                    .as("from another address: the refusals did not count against the account").isEqualTo(201);
        }
    }

    @Test
    void loginsBeyondHashingsShareOfTheCoresGet503UnhashedUntilRetryAfterHasPassed() throws Exception {
        // 0.5 % of the cores over a second: 10 ms of hashing a second on two cores, less than one BCrypt
        try (ChatService budgeted = ChatService.start("--chatpipe.api.logins.hashing-share=0.005",
                "--chatpipe.api.logins.hashing-burst=1s")) {
            String lena = ChatService.user("lena");
            String mark = ChatService.user("mark");
            assertThat(login(budgeted, lena, "own").statusCode()).isEqualTo(201);
            double hashes = hashes(budgeted);

            HttpResponse<String> refused = login(budgeted, mark, "own");

            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
            assertThat(retryAfter).as("until the hash's cost has come back").isPositive();
            assertThat(hashes(budgeted)).as("nothing hashed").isEqualTo(hashes);
            assertThat(counter(budgeted, "chatpipe.logins.busy", "sessions")).isEqualTo(1);
            Thread.sleep(Duration.ofSeconds(retryAfter));
            assertThat(login(budgeted, mark, "own").statusCode()).isEqualTo(201);
        }
    }

    /** 127.0.0.2, also the loopback's, as the client's own end: an address other than the tests' own. */
    private static Http fromSecondLoopbackAddress(ChatService instance) {
        try {
            return new Http(HttpClient.newBuilder().localAddress(InetAddress.getByName("127.0.0.2")).build(),
                    URI.create("http://127.0.0.1:" + instance.port()));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> login(ChatService instance, String username, String password) {
        return post(instance, SESSIONS, username, password);
    }

    private static HttpResponse<String> post(ChatService instance, String path, String username, String password) {
        return instance.http().postJson(path, body(username, password));
    }

    private static String body(String username, String password) {
        return "{\"username\": \"" + username + "\", \"password\": \"" + password + "\"}";
    }

    private static double hashes(ChatService instance) {
        return registry(instance).get("chatpipe.logins.hashes").functionCounter().count();
    }

    private static double counter(ChatService instance, String name, String door) {
        return registry(instance).get(name).tag("door", door).counter().count();
    }

    private static MeterRegistry registry(ChatService instance) {
        return instance.context().getBean(MeterRegistry.class);
    }
}
