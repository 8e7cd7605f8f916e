package io.chatpipe.bench.report;

import io.chatpipe.bench.measure.Load;
import java.util.ArrayList;
import java.util.List;

/**
 * What one scenario measured: its figures beside their baselines, the raw loads behind them, and notes
 * (what was skipped and why, what bounds a figure).
 */
public final class ScenarioResult {

    private final String scenario;
    private final String title;
    private final List<Figure> figures = new ArrayList<>();
    private final List<Load> loads = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private String failure;

    public ScenarioResult(String scenario, String title) {
        this.scenario = scenario;
        this.title = title;
    }

    public Load load(Load load) {
        loads.add(load);
        return load;
    }

    public void figure(Figure figure) {
        figures.add(figure);
    }

    public void note(String note) {
        notes.add(note);
    }

    /** The scenario could not finish: why. Its figures so far stay. */
    public void failed(String why) {
        failure = why;
    }

    public String getFailure() {
        return failure;
    }

    public String getScenario() {
        return scenario;
    }

    public String getTitle() {
        return title;
    }

    public List<Figure> getFigures() {
        return List.copyOf(figures);
    }

    public List<Load> getLoads() {
        return List.copyOf(loads);
    }

    public List<String> getNotes() {
        return List.copyOf(notes);
    }
}
