package io.chatpipe.bench.scenario;

import io.chatpipe.bench.report.ScenarioResult;

/** One scenario of the bench: it measures chatpipe and its baselines in the same run. */
public interface Scenario {

    /** The name on the command line: ingest, drain, e2e, history, websocket, capture, webhooks. */
    String name();

    ScenarioResult run(BenchContext bench) throws Exception;
}
