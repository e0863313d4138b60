package dev.orderly.clinic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.booking.BookingOutcome;
import dev.orderly.booking.BookingRequest;
import dev.orderly.booking.Bucket;
import dev.orderly.booking.Clinic;
import dev.orderly.booking.Holding;
import dev.orderly.booking.InMemoryBookingStore;
import dev.orderly.booking.Product;
import dev.orderly.booking.Reservation;
import dev.orderly.registry.Person;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Closing any day of a clinic, whatever its capacity and bookings (split across rotation groups
 * or not): the counters stay exact (active appointments per clinic-day-product-group equal its
 * booked count), no bucket is overbooked, nobody keeps an appointment on the closed day, every
 * person booked there is either moved (dose 2 within the interval) or cancelled, and nobody else
 * is touched.
 */
class DayClosingProperties {

    private static final LocalDate TODAY = LocalDate.of(2021, 8, 16);
    private static final Instant NOW = Instant.parse("2021-08-16T00:00:00Z");

    record Scenario(List<Integer> capacities, List<Integer> groupCapacities, List<int[]> bookings, int closedDay) {
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<List<Integer>> caps = Arbitraries.integers().between(0, 4).list().ofSize(24);
        Arbitrary<List<Integer>> groups = Arbitraries.integers().between(0, 2).list().ofSize(24);
        // {person's rotation group (-1 none), clinic (1 or 2), day offset, product (0 or 1)}
        Arbitrary<int[]> booking = Combinators.combine(Arbitraries.integers().between(-1, 1), Arbitraries.integers().between(1, 2),
                Arbitraries.integers().between(0, 10), Arbitraries.integers().between(0, 1)).as((g, c, d, p) -> new int[] {g, c, d, p});
        return Combinators.combine(caps, groups, booking.list().ofMinSize(0).ofMaxSize(60), Arbitraries.integers().between(0, 12))
                .as(Scenario::new);
    }

    @Property(tries = 200)
    void closingADayKeepsEveryCounterExactAndLeavesNobodyOnIt(@ForAll("scenarios") Scenario s) {
        InMemoryBookingStore booking = new InMemoryBookingStore();
        Map<Long, Person> people = new HashMap<>();
        InMemoryClinicStore clinic = new InMemoryClinicStore(booking, id -> Optional.ofNullable(people.get(id)));
        List<String> products = List.of("PFZ", "AZ");
        booking.saveProduct(new Product("PFZ", "Pfizer", 3, 6));
        booking.saveProduct(new Product("AZ", "AstraZeneca", 4, 8));
        booking.saveClinic(new Clinic(1, "One", "Seoul", "Jongno", "1", Set.of("PFZ", "AZ")));
        booking.saveClinic(new Clinic(2, "Two", "Seoul", "Jongno", "2", Set.of("PFZ")));
        for (int d = 0; d < 24; d++) {
            for (String p : products) {
                booking.setCapacity(1, TODAY.plusDays(d), p, s.capacities().get(d));
                booking.setCapacity(List.of(new dev.orderly.booking.CapacitySetting(new Bucket(1, p, TODAY.plusDays(d), 0), s.groupCapacities().get(d)),
                        new dev.orderly.booking.CapacitySetting(new Bucket(1, p, TODAY.plusDays(d), 1), s.groupCapacities().get((d + 7) % 24))));
            }
            booking.setCapacity(2, TODAY.plusDays(d), "PFZ", 2);
        }
        long person = 0;
        for (int[] b : s.bookings()) {
            person++;
            people.put(person, new Person(person, "사람" + person, LocalDate.of(1960, 1, 1), "01000000000"));
            String product = b[1] == 2 ? "PFZ" : products.get(b[3]);
            booking.book(new BookingRequest(person, b[1], TODAY.plusDays(b[2]), product, b[0]), null, "OR-P" + person, NOW.plusSeconds(person));
        }
        LocalDate closed = TODAY.plusDays(s.closedDay());
        Map<Long, Holding> before = booking.holdings();

        ClinicStore.Closing result = clinic.close(1, closed, "휴진", "closed", new Stamp(NOW.plusSeconds(10_000), "chief"), TODAY);

        assertThat(booking.checkIntegrity().isClean()).as(booking.checkIntegrity().toString()).isTrue();
        Map<Long, Holding> after = booking.holdings();
        int affected = 0;
        for (Map.Entry<Long, Holding> e : before.entrySet()) {
            Reservation r = e.getValue().reservation();
            boolean onClosed = r.clinicId() == 1 && (r.dose1Day().equals(closed) || r.dose2Day().equals(closed));
            Holding now = after.get(e.getKey());
            if (!onClosed) {
                assertThat(now).as("untouched").isEqualTo(e.getValue());
                continue;
            }
            affected++;
            if (now != null) {
                Reservation m = now.reservation();
                assertThat(m.clinicId()).isEqualTo(1);
                assertThat(m.product()).isEqualTo(r.product());
                assertThat(m.dose1Day()).isNotEqualTo(closed);
                assertThat(m.dose2Day()).isNotEqualTo(closed).isAfter(TODAY);
                int min = r.product().equals("PFZ") ? 3 : 4;
                int max = r.product().equals("PFZ") ? 6 : 8;
                assertThat(m.dose2Day()).isBetween(m.dose1Day().plusDays(min), m.dose1Day().plusDays(max));
                if (r.dose1Day().equals(closed)) {
                    assertThat(m.dose1Day()).isAfter(closed);
                } else {
                    assertThat(m.dose1Day()).isEqualTo(r.dose1Day());
                }
            }
        }
        ClosedDay day = ((ClinicStore.Closing.Closed) result).day();
        assertThat(day.moved() + day.cancelled()).isEqualTo(affected);
        assertThat(after.size()).isEqualTo(before.size() - day.cancelled());
        assertThat(booking.capacity(1, closed, 1)).allSatisfy(b -> assertThat(b.capacity()).isEqualTo(b.booked()).isZero());
        assertThat(booking.book(new BookingRequest(999, 1, closed, "PFZ"), null, "OR-AFTER", NOW.plusSeconds(20_000)))
                .isNotInstanceOf(BookingOutcome.Booked.class);
    }
}
