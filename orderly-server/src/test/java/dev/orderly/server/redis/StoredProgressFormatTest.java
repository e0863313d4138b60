package dev.orderly.server.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.gate.AdmissionPolicy;
import dev.orderly.gate.GateProgress;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A gate's progress as Redis holds it (mark|pre-queue|last tick ms or -|carry|rate|version), written
 * before the policy's memory became one value in the progress: it still loads, and is written back
 * unchanged.
 */
class StoredProgressFormatTest {

    @Test
    void aProgressSavedBeforeLoads() {
        String stored = "42|120|1627297201500|0.25|12.5|7";

        GateProgress progress = RedisGateStore.decode(stored);

        assertThat(progress).isEqualTo(new GateProgress(42, 120,
                new AdmissionPolicy.Memory(Instant.parse("2021-07-26T11:00:01.500Z"), 0.25, 12.5), 7));
        assertThat(RedisGateStore.encode(progress)).isEqualTo(stored);
    }

    @Test
    void aProgressAtRestSavedBeforeLoads() {
        String stored = "0|-1|-|0.0|0.0|0";

        assertThat(RedisGateStore.decode(stored)).isEqualTo(GateProgress.INITIAL);
        assertThat(RedisGateStore.encode(GateProgress.INITIAL)).isEqualTo(stored);
    }
}
