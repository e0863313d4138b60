package dev.orderly.surge.walk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class WalkCommandTest {

    private static WalkRun.Phase phase(double serverMs, double postgresMs, double redisMs) {
        return new WalkRun.Phase("closed", 100, 100, 0, 0, 10, 10, new StepLatencies(), serverMs, postgresMs, redisMs, 50, List.of(),
                new WalkRun.Idle(0.01, 0.02, Double.isNaN(redisMs) ? Double.NaN : 0.001));
    }

    @Test
    void aRunWithoutThePidsSaysItsCpuWasNotCountedInsteadOfPrintingNaN() {
        String text = WalkCommand.describe(phase(Double.NaN, Double.NaN, Double.NaN), false, false);

        assertThat(text).contains("CPU per walk: not counted; give --server-pid and --postgres-data").doesNotContain("NaN");
    }

    @Test
    void theStoresAddUpWithRedisOnlyWhenItWasMeasured() {
        assertThat(WalkCommand.describe(phase(300, 400, Double.NaN), false, false))
                .contains("CPU per walk: Orderly 3.000 ms + PostgreSQL 4.000 ms = 7.000 ms").doesNotContain("Redis").doesNotContain("NaN");
        assertThat(WalkCommand.describe(phase(300, 400, 50), false, true))
                .contains("CPU per walk: Orderly 3.000 ms + PostgreSQL 4.000 ms + Redis 0.500 ms = 7.500 ms");
    }
}
