package dev.orderly.booking;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** {@link BookingScenarios} against the memory store. */
class BookingInvariantsProperties {

    @Property(tries = 300)
    void everyAnswerIsTheModelsAndNoBucketIsEverOverbooked(@ForAll("scenarios") BookingScenarios.Scenario scenario) {
        BookingScenarios.play(scenario, new InMemoryBookingStore());
        BookingScenarios.checkCoverage();
    }

    @Provide
    Arbitrary<BookingScenarios.Scenario> scenarios() {
        return BookingScenarios.scenarios(60);
    }
}
