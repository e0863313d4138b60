package dev.orderly.booking;

import dev.orderly.eligibility.CohortStore;
import dev.orderly.eligibility.Eligibility;
import dev.orderly.eligibility.EligibilityRules;
import dev.orderly.registry.Person;
import dev.orderly.time.SeoulCalendar;
import java.time.Clock;
import java.time.LocalDate;

/**
 * Books, shows and cancels a verified person's reservation, after checking that they may book
 * now (eligibility on the server's clock) and that the day is bookable: from tomorrow (Seoul)
 * through {@code horizonDays} days ahead.
 */
public final class BookingService {

    private final BookingStore store;
    private final CohortStore cohorts;
    private final Clock clock;
    private final BookingReferences references;
    private final int horizonDays;

    public BookingService(BookingStore store, CohortStore cohorts, Clock clock, BookingReferences references, int horizonDays) {
        if (horizonDays < 1) {
            throw new IllegalArgumentException("horizonDays must be at least 1, was " + horizonDays);
        }
        this.store = store;
        this.cohorts = cohorts;
        this.clock = clock;
        this.references = references;
        this.horizonDays = horizonDays;
    }

    public Eligibility eligibility(Person person) {
        return EligibilityRules.check(person, cohorts.all(), clock.instant());
    }

    /** First day that may be booked now: tomorrow in Seoul. */
    public LocalDate firstBookableDay() {
        return SeoulCalendar.today(clock).plusDays(1);
    }

    /** Last day that may be booked now. */
    public LocalDate lastBookableDay() {
        return SeoulCalendar.today(clock).plusDays(horizonDays);
    }

    public BookingOutcome book(Person person, long clinicId, LocalDate day, String product, String idempotencyKey) {
        Eligibility eligibility = eligibility(person);
        if (!(eligibility instanceof Eligibility.Eligible eligible)) {
            return new BookingOutcome.NotEligible(eligibility);
        }
        if (!eligible.cohort().products().contains(product)) {
            return new BookingOutcome.NotOffered(clinicId, product);
        }
        LocalDate first = firstBookableDay();
        LocalDate last = lastBookableDay();
        if (day.isBefore(first) || day.isAfter(last)) {
            return new BookingOutcome.DayOutOfRange(day, first, last);
        }
        return store.book(new BookingRequest(person.id(), clinicId, day, product), idempotencyKey, references.next(), clock.instant());
    }

    public java.util.Optional<Reservation> reservationOf(Person person) {
        return store.active(person.id());
    }

    public CancelOutcome cancel(Person person) {
        return store.cancel(person.id(), clock.instant());
    }
}
