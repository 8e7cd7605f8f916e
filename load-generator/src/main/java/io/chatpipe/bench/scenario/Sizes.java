package io.chatpipe.bench.scenario;

import java.time.Duration;

/**
 * How big each scenario runs. {@link #standard()} finishes the whole bench in about thirty minutes on a
 * 2-core machine; {@link #quick()} is a smoke run of a minute or two; {@link #tiny()} is for the tests.
 *
 * @param connections         keep-alive connections of the single-message REST load and its baselines
 * @param batchSize           messages per batch request
 * @param batchConnections    connections of the batch load
 * @param messageBytes        the text of each message, in characters (ASCII)
 * @param producerRecords     records ProducerPerformance sends
 * @param drainMessages       the backlog the worker drains, and the direct flood's count
 * @param drainConcurrency    callers of the direct flood: the worker's {@code max-in-flight} (64 by default)
 * @param conversations       distinct conversations of the drain and end-to-end loads (the worker delivers one
 *                            message of a conversation at a time)
 * @param recipients          online recipients (XMPP clients)
 * @param endToEnd            how long each end-to-end latency load sends (the end-to-end maximum before them is a
 *                            closed loop of {@code warmup} then {@code measure})
 * @param historyMessages     messages in chat.messages before the page queries
 * @param historyConversations conversations they are spread over
 * @param visibleSamples      messages timed from accept to visible in history, one after the other
 * @param webSocketSessions   chat WebSocket sessions open at once on the api-service
 * @param sessionsPerUser     of them, how many each user holds (browser tabs, devices): a message to a user is
 *                            pushed to each of that user's sessions
 * @param fanOutRate          messages/s sent over REST to users with an open session, during {@code endToEnd}
 */
public record Sizes(
        String name,
        Duration warmup,
        Duration measure,
        int connections,
        int batchSize,
        int batchConnections,
        int messageBytes,
        int producerRecords,
        int drainMessages,
        int drainConcurrency,
        int conversations,
        int recipients,
        Duration endToEnd,
        int historyMessages,
        int historyConversations,
        int visibleSamples,
        int pageConnections,
        int webSocketSessions,
        int sessionsPerUser,
        int fanOutRate) {

    /** The same sizes with another store size for the history scenario. */
    public Sizes withHistoryMessages(int messages) {
        return new Sizes(name, warmup, measure, connections, batchSize, batchConnections, messageBytes,
                producerRecords, drainMessages, drainConcurrency, conversations, recipients, endToEnd,
                messages, historyConversations, visibleSamples, pageConnections, webSocketSessions, sessionsPerUser,
                fanOutRate);
    }

    /** The same sizes with another number of WebSocket sessions. */
    public Sizes withWebSocketSessions(int sessions) {
        return new Sizes(name, warmup, measure, connections, batchSize, batchConnections, messageBytes,
                producerRecords, drainMessages, drainConcurrency, conversations, recipients, endToEnd,
                historyMessages, historyConversations, visibleSamples, pageConnections, sessions, sessionsPerUser, fanOutRate);
    }

    public static Sizes standard() {
        return new Sizes("standard", Duration.ofSeconds(5), Duration.ofSeconds(15), 64, 100, 8, 100, 1_000_000,
                10_000, 64, 128, 32, Duration.ofSeconds(20), 1_000_000, 1_000, 200, 8, 10_000, 4, 200);
    }

    public static Sizes quick() {
        return new Sizes("quick", Duration.ofSeconds(2), Duration.ofSeconds(4), 64, 100, 8, 100, 50_000,
                2_000, 64, 128, 16, Duration.ofSeconds(5), 20_000, 200, 30, 8, 1_000, 4, 50);
    }

    /** For the smoke test: every code path, seconds each. */
    public static Sizes tiny() {
        return new Sizes("tiny", Duration.ofMillis(300), Duration.ofSeconds(1), 4, 10, 2, 20, 2_000,
                60, 4, 8, 2, Duration.ofSeconds(1), 300, 8, 5, 2, 4, 2, 10);
    }
}
