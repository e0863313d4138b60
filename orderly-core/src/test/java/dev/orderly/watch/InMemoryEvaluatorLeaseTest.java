package dev.orderly.watch;

import dev.orderly.time.MutableClock;
import java.time.Duration;

class InMemoryEvaluatorLeaseTest extends EvaluatorLeaseContract {

    private final MutableClock clock = MutableClock.at("2021-07-26T11:00:00Z");

    @Override
    protected EvaluatorLease lease() {
        return new InMemoryEvaluatorLease(clock);
    }

    @Override
    protected void pass(Duration d) {
        clock.advance(d);
    }
}
