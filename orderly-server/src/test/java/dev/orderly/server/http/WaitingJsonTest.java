package dev.orderly.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.gate.GateNotice;
import dev.orderly.gate.GatePhase;
import dev.orderly.gate.GateStatus;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/** The hand-written "still waiting" answer is the JSON a tree would give, for any message and ticket. */
class WaitingJsonTest {

    @Property(tries = 300)
    void isTheSameJsonAsATreeWouldWrite(@ForAll String message, @ForAll String messageEn, @ForAll boolean withBack,
                                        @ForAll String gate, @ForAll @LongRange(min = 0) long rank,
                                        @ForAll @LongRange(min = 0, max = 10_000_000) long ahead, @ForAll boolean withTicket,
                                        @ForAll GatePhase phase) {
        Instant opensAt = Instant.parse("2021-07-26T11:00:00.123Z");
        Instant back = withBack ? opensAt.plusSeconds(1800) : null;
        GateStatus.Waiting w = new GateStatus.Waiting(gate, rank, ahead, Duration.ofSeconds(ahead / 7), Duration.ofMillis(1_234), phase,
                opensAt, new GateNotice(message, messageEn, back));
        String ticket = withTicket ? "v1.k1.abc_DEF-123" : null;

        JsonObject expected = new JsonObject().put("state", "waiting").put("gate", gate).put("phase", phase.name())
                .put("inPreQueue", w.inPreQueue()).put("rank", rank).put("ahead", ahead).put("etaSeconds", ahead / 7)
                .put("pollAfterMs", 1_234L).put("open", phase == GatePhase.OPEN).put("opensAt", opensAt.toString()).put("message", message)
                .put("messageEn", messageEn);
        if (back != null) {
            expected.put("expectedBack", back.toString());
        }
        if (ticket != null) {
            expected.put("ticket", ticket);
        }
        assertThat(new JsonObject(GateRoutes.waitingJson(gate, w, ticket))).isEqualTo(expected);
    }
}
