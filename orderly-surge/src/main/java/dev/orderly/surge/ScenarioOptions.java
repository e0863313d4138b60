package dev.orderly.surge;

import dev.orderly.surge.scenario.Scenario;
import dev.orderly.surge.scenario.ScenarioParser;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The options every subcommand shares to choose and adjust a scenario; use it as a picocli
 * {@code @Mixin} and call {@link #load()}. A bad file throws
 * {@link dev.orderly.surge.scenario.ScenarioException} naming the field.
 */
public final class ScenarioOptions {
    @Option(names = "--scenario", required = true, paramLabel = "FILE",
            description = "scenario file, .yaml/.yml or .json (see docs/surge.md); "
                    + "orderly-surge/scenarios/seed-night.yaml is the 2021 night")
    Path file;

    @Option(names = "--scale", paramLabel = "F",
            description = "multiplies every count and rate of people in the scenario (not durations); "
                    + "replaces the file's scale; default: the file's (1 if absent)")
    Double scale;

    @Option(names = "--duration", paramLabel = "D",
            description = "how long the run lasts from the start of the pre-queue, like 90s or 10m; "
                    + "replaces the file's duration")
    Duration duration;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "20210726",
            description = "seed of every random choice (who cheats, arrival times, ...); default ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "surge-report",
            description = "folder for the results (replay: report.json, report.html, main-chart.png; simulate: simulation.json); default ${DEFAULT-VALUE}")
    Path out;

    /** The scenario from the file with the command line's overrides applied. */
    public Scenario load() {
        Scenario s = new ScenarioParser().parse(file);
        if (scale != null) {
            if (!(scale > 0)) {
                throw new IllegalArgumentException("--scale must be above 0, got " + scale);
            }
            s = s.withScale(scale);
        }
        if (duration != null) {
            if (duration.compareTo(s.arrivals().preQueue()) <= 0) {
                throw new IllegalArgumentException("--duration must be longer than the scenario's "
                        + "arrivals.preQueue (" + dev.orderly.surge.scenario.Durations.format(s.arrivals().preQueue())
                        + "), got " + dev.orderly.surge.scenario.Durations.format(duration));
            }
            s = s.withDuration(duration);
        }
        return s;
    }

    public Path file() {
        return file;
    }

    public long seed() {
        return seed;
    }

    public Path out() {
        return out;
    }
}
