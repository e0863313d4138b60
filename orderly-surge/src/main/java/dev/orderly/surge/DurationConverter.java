package dev.orderly.surge;

import dev.orderly.surge.scenario.Durations;
import java.time.Duration;
import picocli.CommandLine;

/** Reads {@code 90s}, {@code 10m}, {@code 500ms} on the command line. */
public enum DurationConverter implements CommandLine.ITypeConverter<Duration> {
    INSTANCE;

    @Override
    public Duration convert(String value) {
        return Durations.parse(value).orElseThrow(() -> new CommandLine.TypeConversionException(
                "expected a duration like 90s, 10m or 500ms, got \"" + value + "\""));
    }
}
