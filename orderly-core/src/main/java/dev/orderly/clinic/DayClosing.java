package dev.orderly.clinic;

import dev.orderly.booking.BookingRules;
import dev.orderly.booking.Bucket;
import dev.orderly.booking.BucketCapacity;
import dev.orderly.booking.CancelOutcome;
import dev.orderly.booking.ChangeOutcome;
import dev.orderly.booking.ChangeRequest;
import dev.orderly.booking.Holding;
import dev.orderly.booking.Ledger;
import dev.orderly.booking.Offer;
import dev.orderly.booking.Remembered;
import dev.orderly.booking.Reservation;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Closing a clinic day, as a pure transition on a booking {@link Ledger}: every store runs it
 * inside the one step (lock or transaction) that also holds the day's capacity at what stays booked.
 *
 * <p>Design note. Nobody keeps a reservation on a closed day. Each appointment there, earliest
 * booked first, is moved by the booking rules themselves ({@link BookingRules#change}), so capacity,
 * groups and the dose-2 interval are decided exactly as for a person's own change:
 * <ul>
 *   <li>dose 1: to the nearest <em>later</em> day at the same clinic, within {@link #HORIZON_DAYS},
 *       with room for the same vaccine, dose 2 planned again within the interval. Never earlier: a
 *       person told on the evening before cannot be asked to come sooner than they planned;</li>
 *   <li>dose 2: to the nearest day within the product's interval after dose 1, later days first,
 *       then earlier ones, never today or before;</li>
 *   <li>no such day: the reservation is cancelled (both doses), and the person is told to book again.</li>
 * </ul>
 * Appointments whose dose was already given that day stay (the staff fell ill at noon). Messages
 * go out under {@link #MOVED} and {@link #CANCELLED} rather than the booking's own kinds, so the text
 * says why.
 */
public final class DayClosing {

    /** Outbox kind: an appointment moved off a closed day. */
    public static final String MOVED = "DAY_CLOSED_MOVED";
    /** Outbox kind: a reservation cancelled because its day closed and no other had room. */
    public static final String CANCELLED = "DAY_CLOSED_CANCELLED";
    /** How many days after the closed day a dose 1 may be moved to. */
    public static final int HORIZON_DAYS = 28;

    /** Who was moved (as they are now) and who was cancelled (as they were). */
    public record Result(List<Reservation> moved, List<Reservation> cancelled, int kept) {
    }

    private DayClosing() {
    }

    /**
     * Moves or cancels every holding in {@code affected} that has a dose at {@code clinicId} on
     * {@code day}, except those whose reference is in {@code keep}.
     *
     * @param today the Seoul date now: no dose is moved to it or before it
     */
    public static Result close(Ledger ledger, long clinicId, LocalDate day, List<Holding> affected, Set<String> keep, LocalDate today,
                               Instant now) {
        Ledger told = new Relabelled(ledger);
        List<Reservation> moved = new ArrayList<>();
        List<Reservation> cancelled = new ArrayList<>();
        int kept = 0;
        List<Holding> inOrder = affected.stream()
                .filter(h -> h.reservation().clinicId() == clinicId && (h.reservation().dose1Day().equals(day) || h.reservation().dose2Day().equals(day)))
                .sorted(Comparator.comparing((Holding h) -> h.reservation().bookedAt()).thenComparing(h -> h.reservation().reference()))
                .toList();
        for (Holding h : inOrder) {
            Reservation r = h.reservation();
            if (keep.contains(r.reference())) {
                kept++;
                continue;
            }
            Optional<Reservation> after = r.dose1Day().equals(day) ? moveDose1(told, h, day, now) : moveDose2(ledger, told, h, day, today, now);
            if (after.isPresent()) {
                moved.add(after.get());
            } else if (BookingRules.cancel(told, r.personId(), null, now) instanceof CancelOutcome.Cancelled c) {
                cancelled.add(c.reservation());
            }
        }
        return new Result(moved, cancelled, kept);
    }

    private static Optional<Reservation> moveDose1(Ledger ledger, Holding h, LocalDate day, Instant now) {
        Reservation r = h.reservation();
        for (int i = 1; i <= HORIZON_DAYS; i++) {
            ChangeOutcome o = BookingRules.change(ledger,
                    new ChangeRequest.MoveDose1(r.personId(), r.clinicId(), day.plusDays(i), r.product(), h.dose1Group()), null, now);
            if (o instanceof ChangeOutcome.Changed c) {
                return Optional.of(c.reservation());
            }
        }
        return Optional.empty();
    }

    private static Optional<Reservation> moveDose2(Ledger plain, Ledger ledger, Holding h, LocalDate day, LocalDate today, Instant now) {
        Reservation r = h.reservation();
        Optional<Offer> offer = plain.offer(r.clinicId(), r.product());
        if (offer.isEmpty()) {
            return Optional.empty();
        }
        LocalDate from = r.dose1Day().plusDays(offer.get().dose2MinDays());
        LocalDate to = r.dose1Day().plusDays(offer.get().dose2MaxDays());
        List<LocalDate> candidates = new ArrayList<>();
        for (LocalDate d = day.plusDays(1); !d.isAfter(to); d = d.plusDays(1)) {
            candidates.add(d);
        }
        for (LocalDate d = day.minusDays(1); !d.isBefore(from); d = d.minusDays(1)) {
            candidates.add(d);
        }
        for (LocalDate d : candidates) {
            if (d.isAfter(today) && !d.isBefore(from)) {
                ChangeOutcome o = BookingRules.change(ledger, new ChangeRequest.MoveDose2(r.personId(), d, h.dose2Group()), null, now);
                if (o instanceof ChangeOutcome.Changed c) {
                    return Optional.of(c.reservation());
                }
            }
        }
        return Optional.empty();
    }

    /** The booking ledger, with its messages told as a closed day's rather than as the person's own change. */
    private record Relabelled(Ledger inner) implements Ledger {
        @Override
        public Optional<Remembered> remembered(long personId, String key) {
            return inner.remembered(personId, key);
        }

        @Override
        public void remember(long personId, String key, Remembered remembered, Instant now) {
            inner.remember(personId, key, remembered, now);
        }

        @Override
        public Optional<Holding> holding(long personId) {
            return inner.holding(personId);
        }

        @Override
        public boolean referenceTaken(String reference) {
            return inner.referenceTaken(reference);
        }

        @Override
        public Optional<Offer> offer(long clinicId, String product) {
            return inner.offer(clinicId, product);
        }

        @Override
        public List<BucketCapacity> buckets(long clinicId, String product, LocalDate day) {
            return inner.buckets(clinicId, product, day);
        }

        @Override
        public void take(Bucket bucket) {
            inner.take(bucket);
        }

        @Override
        public void release(Bucket bucket) {
            inner.release(bucket);
        }

        @Override
        public void hold(Holding holding) {
            inner.hold(holding);
        }

        @Override
        public void drop(Holding holding, Instant now) {
            inner.drop(holding, now);
        }

        @Override
        public void send(String kind, Reservation reservation, Instant now) {
            inner.send(BookingRules.CANCELLED.equals(kind) ? CANCELLED : MOVED, reservation, now);
        }
    }
}
