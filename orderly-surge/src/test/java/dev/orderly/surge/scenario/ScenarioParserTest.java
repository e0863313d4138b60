package dev.orderly.surge.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orderly.surge.scenario.ScenarioParser.Format;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioParserTest {
    private final ScenarioParser parser = new ScenarioParser();

    private Scenario yaml(String text) {
        return parser.parse(text, Format.YAML, "test.yaml");
    }

    private String errorOf(String text, Format format) {
        try {
            parser.parse(text, format, "test");
        } catch (ScenarioException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected the scenario to be refused: " + text);
    }

    @Test
    void anEmptyFileMeansTheDefaults() {
        assertThat(yaml("")).isEqualTo(Scenario.defaults());
        assertThat(parser.parse("{}", Format.JSON, "t")).isEqualTo(Scenario.defaults());
    }

    @Test
    void theSeedNightFileIsTheDefaultNight() {
        Scenario s = parser.parse(Path.of("scenarios/seed-night.yaml"));
        assertThat(s).isEqualTo(Scenario.defaults());
        assertThat(s.peopleAtScaleOne()).isEqualTo(2_000_000);
        assertThat(s.peopleAtScaleOne() * s.population().meanTabs()).isBetween(5.5e6, 6.5e6);
    }

    @Test
    void fieldsOverrideTheirDefaultsOnly() {
        Scenario s = yaml("""
                name: small
                scale: 0.01
                arrivals:
                  halfLife: 1m30s
                  preQueue: 500ms
                population:
                  tabs: {1: 0.5, 3: 0.5}
                cheaters: {airplane: 0.1}
                """);
        assertThat(s.name()).isEqualTo("small");
        assertThat(s.scale()).isEqualTo(0.01);
        assertThat(s.arrivals().halfLife()).isEqualTo(Duration.ofSeconds(90));
        assertThat(s.arrivals().preQueue()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.arrivals().window()).isEqualTo(Scenario.Arrivals.DEFAULT.window());
        assertThat(s.population().meanTabs()).isEqualTo(2.0);
        assertThat(s.cheaters().airplane()).isEqualTo(0.1);
        assertThat(s.cheaters().clockSkew()).isEqualTo(Scenario.Cheaters.DEFAULT.clockSkew());
        assertThat(s.scaled(1_500_000)).isEqualTo(15_000);
        assertThat(s.scaled(3)).isEqualTo(1);
    }

    @Test
    void jsonReadsTheSameFields() {
        Scenario s = parser.parse("{\"arrivals\": {\"window\": \"2m\"}, \"bots\": {\"count\": 0}}", Format.JSON, "t");
        assertThat(s.arrivals().window()).isEqualTo(Duration.ofMinutes(2));
        assertThat(s.bots().count()).isZero();
    }

    @Test
    void aBadDurationNamesItsFieldAndLine() {
        String message = errorOf("""
                name: x
                arrivals:
                  preQueue: 1m
                  halfLife: soon
                """, Format.YAML);
        assertThat(message).contains("arrivals.halfLife: expected a duration like 90s, 10m or 500ms, got \"soon\" (line 4)");
    }

    @Test
    void aDurationWithoutUnitIsRefused() {
        assertThat(errorOf("{\"behaviour\": {\"thinkTime\": 3}}", Format.JSON))
                .contains("behaviour.thinkTime: expected a duration like 90s").contains("got 3");
    }

    @Test
    void aShareAboveOneIsRefused() {
        assertThat(errorOf("cheaters:\n  forgeTicket: 1.5\n", Format.YAML))
                .contains("cheaters.forgeTicket: expected a share between 0 and 1, got 1.5 (line 2)");
    }

    @Test
    void unknownFieldsAreRefusedWithTheKnownOnes() {
        String message = errorOf("arrivals:\n  halflife: 90s\n", Format.YAML);
        assertThat(message).contains("arrivals.halflife: unknown field in arrivals; known fields: preQueue, beforeOpening, halfLife, window (line 2)");
        assertThat(errorOf("{\"speed\": 2}", Format.JSON)).contains("speed: unknown field; known fields: name, scale");
    }

    @Test
    void tabSharesMustAddUpToOne() {
        assertThat(errorOf("population:\n  tabs: {1: 0.5, 2: 0.2}\n", Format.YAML))
                .contains("population.tabs: the shares must add up to 1, they add up to 0.7000 (line 2)");
        assertThat(errorOf("population:\n  tabs: {one: 1}\n", Format.YAML))
                .contains("population.tabs.one: expected a whole number of tabs");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        ScenarioException e = (ScenarioException) catchThrown(() -> yaml("""
                scale: -1
                bots: {count: 2.5, rate: fast}
                gates: {configure: yes please}
                """));
        assertThat(e.problems()).containsExactly(
                "scale: expected a number above 0, got -1.0 (line 1)",
                "bots.count: expected a whole number from 0, got 2.5 (line 2)",
                "bots.rate: expected a number above 0, got \"fast\" (line 2)",
                "gates.configure: expected true or false, got \"yes please\" (line 3)");
    }

    @Test
    void aSectionThatIsNotAMappingIsRefused() {
        assertThat(errorOf("arrivals: 5\n", Format.YAML))
                .contains("arrivals: expected a mapping of fields, got 5 (line 1)");
        assertThat(errorOf("- a\n- b\n", Format.YAML)).contains("expected a mapping of fields at the top");
    }

    @Test
    void theRunMustOutlastThePreQueue() {
        assertThat(errorOf("duration: 5m\narrivals: {preQueue: 10m}\n", Format.YAML))
                .contains("duration: must be longer than arrivals.preQueue (10m)");
    }

    @Test
    void brokenSyntaxSaysWhere() {
        assertThat(errorOf("{\"name\": \"x\",,}", Format.JSON)).contains("not valid JSON at line 1");
        assertThat(errorOf("arrivals:\n  halfLife: [90s\n", Format.YAML)).contains("not valid YAML at line");
    }

    @Test
    void theFileExtensionChoosesTheFormat(@TempDir Path dir) throws Exception {
        Path json = Files.writeString(dir.resolve("s.json"), "{\"name\": \"j\"}");
        assertThat(parser.parse(json).name()).isEqualTo("j");
        Path other = Files.writeString(dir.resolve("s.txt"), "name: t");
        assertThatThrownBy(() -> parser.parse(other)).hasMessageContaining("must end in .yaml, .yml or .json");
        assertThatThrownBy(() -> parser.parse(dir.resolve("missing.yaml"))).hasMessageContaining("cannot read it");
    }

    @Test
    void durationsReadAndWriteTheSameWay() {
        assertThat(Durations.parse("1.5s")).contains(Duration.ofMillis(1500));
        assertThat(Durations.parse("2h")).contains(Duration.ofHours(2));
        assertThat(Durations.parse("-1s")).isEmpty();
        assertThat(Durations.parse("10")).isEmpty();
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.format(Duration.ofMinutes(10))).isEqualTo("10m");
        assertThat(Durations.format(Duration.ofMillis(500))).isEqualTo("500ms");
    }

    private static Throwable catchThrown(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("nothing thrown");
    }
}
