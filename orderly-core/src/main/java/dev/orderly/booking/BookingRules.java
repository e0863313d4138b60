package dev.orderly.booking;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The booking decisions, as pure transitions on a {@link Ledger}: every store, in memory or in a
 * database transaction, books, changes and cancels by these rules, so they all answer alike.
 *
 * <p>Design note. A decision reads first and changes the ledger only once it has succeeded, so a
 * refusal leaves the ledger as it was. Within a clinic-day-product a person takes a place from the
 * bucket of their own capacity group first, then from the shared bucket. Dose 2 goes to the first
 * day of the product's interval with such a place. A change counts the places the person holds
 * as free (it gives them up in the same step). Answers to keyed requests are remembered, failures
 * included, so a retry always gets the first answer; a key used for a different request gets
 * {@link BookingOutcome.KeyReused}.
 */
public final class BookingRules {

    /** Outbox message kinds. */
    public static final String BOOKED = "BOOKED";
    public static final String CHANGED = "CHANGED";
    public static final String CANCELLED = "CANCELLED";

    private BookingRules() {
    }

    /**
     * Books dose 1 and dose 2.
     *
     * @throws ReferenceInUseException when a new reservation would get a reference already taken (nothing changed)
     */
    public static BookingOutcome book(Ledger ledger, BookingRequest request, String key, String reference, Instant now) {
        if (key != null) {
            Optional<Remembered> first = ledger.remembered(request.personId(), key);
            if (first.isPresent()) {
                return first.get().fingerprint().equals(request.fingerprint())
                        ? (BookingOutcome) first.get().answer()
                        : new BookingOutcome.KeyReused(key);
            }
        }
        BookingOutcome outcome = decideBook(ledger, request, reference, now);
        if (key != null) {
            ledger.remember(request.personId(), key, new Remembered(request.fingerprint(), outcome), now);
        }
        return outcome;
    }

    private static BookingOutcome decideBook(Ledger ledger, BookingRequest request, String reference, Instant now) {
        Optional<Holding> held = ledger.holding(request.personId());
        if (held.isPresent()) {
            return new BookingOutcome.AlreadyBooked(held.get().reservation());
        }
        Optional<Offer> offer = ledger.offer(request.clinicId(), request.product());
        if (offer.isEmpty()) {
            return new BookingOutcome.NotOffered(request.clinicId(), request.product());
        }
        Plan plan = plan(ledger, request.clinicId(), request.product(), request.day(), request.group(), offer.get(), List.of());
        if (plan.refusal != null) {
            return (BookingOutcome) plan.refusal;
        }
        if (ledger.referenceTaken(reference)) {
            throw new ReferenceInUseException(reference);
        }
        ledger.take(plan.dose1);
        ledger.take(plan.dose2);
        Reservation reservation = new Reservation(reference, request.personId(), request.clinicId(), offer.get().clinicName(),
                request.product(), request.day(), plan.dose2.day(), now, now);
        ledger.hold(new Holding(reservation, plan.dose1.group(), plan.dose2.group()));
        ledger.send(BOOKED, reservation, now);
        return new BookingOutcome.Booked(reservation);
    }

    /** Moves dose 1 (re-planning dose 2) or dose 2. */
    public static ChangeOutcome change(Ledger ledger, ChangeRequest request, String key, Instant now) {
        if (key != null) {
            Optional<Remembered> first = ledger.remembered(request.personId(), key);
            if (first.isPresent()) {
                return first.get().fingerprint().equals(request.fingerprint())
                        ? (ChangeOutcome) first.get().answer()
                        : new BookingOutcome.KeyReused(key);
            }
        }
        ChangeOutcome outcome = switch (request) {
            case ChangeRequest.MoveDose1 m -> moveDose1(ledger, m, now);
            case ChangeRequest.MoveDose2 m -> moveDose2(ledger, m, now);
        };
        if (key != null) {
            ledger.remember(request.personId(), key, new Remembered(request.fingerprint(), outcome), now);
        }
        return outcome;
    }

    private static ChangeOutcome moveDose1(Ledger ledger, ChangeRequest.MoveDose1 m, Instant now) {
        Optional<Holding> held = ledger.holding(m.personId());
        if (held.isEmpty()) {
            return new ChangeOutcome.NothingToChange();
        }
        Holding h = held.get();
        Optional<Offer> offer = ledger.offer(m.clinicId(), m.product());
        if (offer.isEmpty()) {
            return new BookingOutcome.NotOffered(m.clinicId(), m.product());
        }
        Plan plan = plan(ledger, m.clinicId(), m.product(), m.day(), m.group(), offer.get(), List.of(h.dose1Bucket(), h.dose2Bucket()));
        if (plan.refusal != null) {
            return (ChangeOutcome) plan.refusal;
        }
        ledger.release(h.dose1Bucket());
        ledger.release(h.dose2Bucket());
        ledger.take(plan.dose1);
        ledger.take(plan.dose2);
        Reservation before = h.reservation();
        Reservation after = new Reservation(before.reference(), before.personId(), m.clinicId(), offer.get().clinicName(),
                m.product(), m.day(), plan.dose2.day(), before.bookedAt(), now);
        ledger.hold(new Holding(after, plan.dose1.group(), plan.dose2.group()));
        ledger.send(CHANGED, after, now);
        return new ChangeOutcome.Changed(after);
    }

    private static ChangeOutcome moveDose2(Ledger ledger, ChangeRequest.MoveDose2 m, Instant now) {
        Optional<Holding> held = ledger.holding(m.personId());
        if (held.isEmpty()) {
            return new ChangeOutcome.NothingToChange();
        }
        Holding h = held.get();
        Reservation before = h.reservation();
        Optional<Offer> offer = ledger.offer(before.clinicId(), before.product());
        if (offer.isEmpty()) {
            return new BookingOutcome.NotOffered(before.clinicId(), before.product());
        }
        LocalDate from = before.dose1Day().plusDays(offer.get().dose2MinDays());
        LocalDate to = before.dose1Day().plusDays(offer.get().dose2MaxDays());
        if (m.day().isBefore(from) || m.day().isAfter(to)) {
            return new ChangeOutcome.OutsideInterval(from, to);
        }
        List<Bucket> giving = List.of(h.dose2Bucket());
        Optional<Bucket> dose2 = bucketWithRoom(ledger, before.clinicId(), before.product(), m.day(), m.group(), giving);
        if (dose2.isEmpty()) {
            return ledger.buckets(before.clinicId(), before.product(), m.day()).isEmpty()
                    ? new BookingOutcome.NotOffered(before.clinicId(), before.product())
                    : new BookingOutcome.DayFull(before.clinicId(), m.day(), before.product());
        }
        ledger.release(h.dose2Bucket());
        ledger.take(dose2.get());
        Reservation after = new Reservation(before.reference(), before.personId(), before.clinicId(), offer.get().clinicName(),
                before.product(), before.dose1Day(), m.day(), before.bookedAt(), now);
        ledger.hold(new Holding(after, h.dose1Group(), dose2.get().group()));
        ledger.send(CHANGED, after, now);
        return new ChangeOutcome.Changed(after);
    }

    /** Cancels both doses, returning their places. */
    public static CancelOutcome cancel(Ledger ledger, long personId, String key, Instant now) {
        if (key != null) {
            Optional<Remembered> first = ledger.remembered(personId, key);
            if (first.isPresent()) {
                return first.get().fingerprint().equals(CANCEL_FINGERPRINT)
                        ? (CancelOutcome) first.get().answer()
                        : new BookingOutcome.KeyReused(key);
            }
        }
        CancelOutcome outcome;
        Optional<Holding> held = ledger.holding(personId);
        if (held.isEmpty()) {
            outcome = new CancelOutcome.NothingToCancel();
        } else {
            Holding h = held.get();
            ledger.release(h.dose1Bucket());
            ledger.release(h.dose2Bucket());
            ledger.drop(h, now);
            ledger.send(CANCELLED, h.reservation(), now);
            outcome = new CancelOutcome.Cancelled(h.reservation());
        }
        if (key != null) {
            ledger.remember(personId, key, new Remembered(CANCEL_FINGERPRINT, outcome), now);
        }
        return outcome;
    }

    /** The fingerprint of every cancellation (a person has one reservation to cancel). */
    public static final String CANCEL_FINGERPRINT = "cancel";

    /**
     * The days whose capacity a booking or dose-1 move to {@code day} may read or change: {@code day}
     * itself and the dose-2 interval, as {from, to} pairs (inclusive).
     */
    public static List<LocalDate[]> daysTouched(LocalDate day, Offer offer) {
        return List.of(new LocalDate[] {day, day},
                new LocalDate[] {day.plusDays(offer.dose2MinDays()), day.plusDays(offer.dose2MaxDays())});
    }

    /** The days whose capacity a change or cancellation of {@code holding} may read or change. */
    public static List<LocalDate[]> daysTouched(Holding holding, Offer offer) {
        Reservation r = holding.reservation();
        List<LocalDate[]> days = new ArrayList<>();
        days.add(new LocalDate[] {r.dose1Day(), r.dose1Day()});
        days.add(new LocalDate[] {r.dose2Day(), r.dose2Day()});
        if (offer != null) {
            days.add(new LocalDate[] {r.dose1Day().plusDays(offer.dose2MinDays()), r.dose1Day().plusDays(offer.dose2MaxDays())});
        }
        return days;
    }

    private record Plan(Bucket dose1, Bucket dose2, Object refusal) {
    }

    /** Dose 1 on {@code day} and dose 2 on the first day of the interval with room, or the refusal. */
    private static Plan plan(Ledger ledger, long clinicId, String product, LocalDate day, int group, Offer offer, List<Bucket> giving) {
        Optional<Bucket> dose1 = bucketWithRoom(ledger, clinicId, product, day, group, giving);
        if (dose1.isEmpty()) {
            Object refusal = ledger.buckets(clinicId, product, day).isEmpty()
                    ? new BookingOutcome.NotOffered(clinicId, product)
                    : new BookingOutcome.DayFull(clinicId, day, product);
            return new Plan(null, null, refusal);
        }
        LocalDate from = day.plusDays(offer.dose2MinDays());
        LocalDate to = day.plusDays(offer.dose2MaxDays());
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            Optional<Bucket> dose2 = bucketWithRoom(ledger, clinicId, product, d, group, giving);
            if (dose2.isPresent()) {
                return new Plan(dose1.get(), dose2.get(), null);
            }
        }
        return new Plan(null, null, new BookingOutcome.NoSecondDoseDay(from, to));
    }

    /** The person's own group's bucket if it has room, else the shared one if it has; places in {@code giving} count as free. */
    private static Optional<Bucket> bucketWithRoom(Ledger ledger, long clinicId, String product, LocalDate day, int group,
                                                   List<Bucket> giving) {
        List<BucketCapacity> usable = new ArrayList<>();
        for (BucketCapacity b : ledger.buckets(clinicId, product, day)) {
            if (b.bucket().usableBy(group)) {
                usable.add(b);
            }
        }
        usable.sort((a, b) -> Integer.compare(b.bucket().group(), a.bucket().group()));
        for (BucketCapacity b : usable) {
            int free = b.capacity() - b.booked();
            for (Bucket g : giving) {
                if (g.equals(b.bucket())) {
                    free++;
                }
            }
            if (free > 0) {
                return Optional.of(b.bucket());
            }
        }
        return Optional.empty();
    }
}
