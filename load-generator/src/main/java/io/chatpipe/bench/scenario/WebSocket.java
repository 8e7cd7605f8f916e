package io.chatpipe.bench.scenario;

import io.chatpipe.bench.report.ScenarioResult;

/**
 * Scenario 5: concurrent WebSocket sessions on one api-service, live fan-out latency, heap used. Not measured
 * yet: the result says so, so that a run of every scenario shows what is missing.
 */
public final class WebSocket implements Scenario {

    @Override
    public String name() {
        return "websocket";
    }

    @Override
    public ScenarioResult run(BenchContext bench) {
        var result = new ScenarioResult(name(), "WebSocket: concurrent sessions, live fan-out, heap");
        result.note("skipped: the load generator does not drive the chat WebSocket (/ws/chat) yet");
        return result;
    }
}
