package dev.orderly.surge.scenario;

import java.util.List;

/**
 * A scenario file that cannot be used. Each problem names the field path
 * ({@code arrivals.halfLife}) and, when the parser knows it, the line.
 */
public final class ScenarioException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    public ScenarioException(String source, List<String> problems) {
        super(source + ": " + (problems.size() == 1 ? problems.getFirst()
                : problems.size() + " problems:\n  " + String.join("\n  ", problems)));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, one sentence each, field path first. */
    public List<String> problems() {
        return problems;
    }
}
