package dev.orderly.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.booking.BookingTallies;
import java.time.LocalDate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dashboard's booking tallies, counted against rows whose answer is known. */
class PostgresBookingTalliesIT {

    private static PostgresTestDatabase db;

    @BeforeAll
    static void start() {
        db = PostgresTestDatabase.start();
        db.truncate();
        // Five residents: three born 1965 (days 01, 11, 22), one 1980 (day 05), one 1930 (no cohort).
        db.sql("""
                INSERT INTO residents (id, name, birth_date, phone) VALUES
                  (1, 'a', '1965-03-01', '01000000001'), (2, 'b', '1965-04-11', '01000000002'),
                  (3, 'c', '1965-05-22', '01000000003'), (4, 'd', '1980-06-05', '01000000004'),
                  (5, 'e', '1930-01-01', '01000000005')""");
        db.sql("""
                INSERT INTO cohorts (id, name, born_from, born_to, products) VALUES
                  ('fifties', '55-59', '1962-01-01', '1966-12-31', '{PFZ}')""");
        db.sql("""
                INSERT INTO cohorts (id, name, born_from, born_to, products, special_group) VALUES
                  ('teachers', 'Teachers', '1950-01-01', '2003-12-31', '{PFZ}', 'teachers')""");
        db.sql("INSERT INTO special_group_members (group_code, resident_id) VALUES ('teachers', 4), ('teachers', 2)");
        db.sql("INSERT INTO products (code, name, dose2_min_days, dose2_max_days) VALUES ('PFZ', 'Pfizer', 21, 42)");
        db.sql("INSERT INTO clinics (id, name, province, district, address) VALUES (1, 'A', '서울특별시', '종로구', 'x'), (2, 'B', '부산광역시', '중구', 'y')");
        db.sql("INSERT INTO clinic_products (clinic_id, product) VALUES (1, 'PFZ'), (2, 'PFZ')");
        db.sql("""
                INSERT INTO day_capacity (clinic_id, product, day, capacity, booked) VALUES
                  (1, 'PFZ', '2030-07-26', 10, 2), (1, 'PFZ', '2030-07-27', 5, 0), (1, 'PFZ', '2030-07-01', 99, 0),
                  (2, 'PFZ', '2030-07-26', 3, 0)""");
        // Resident 1 and 4 hold first doses (4 as a teacher); resident 2 cancelled.
        db.sql("""
                INSERT INTO reservations (reference, dose, person_id, clinic_id, product, day, grp, status, created_at, changed_at) VALUES
                  ('R1', 1, 1, 1, 'PFZ', '2030-07-26', -1, 'ACTIVE', now(), now()),
                  ('R1', 2, 1, 1, 'PFZ', '2030-08-16', -1, 'ACTIVE', now(), now()),
                  ('R4', 1, 4, 1, 'PFZ', '2030-07-26', -1, 'ACTIVE', now(), now()),
                  ('R2', 1, 2, 1, 'PFZ', '2030-07-26', -1, 'CANCELLED', now(), now())""");
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Test
    void ratesCountFirstDosesOfPeopleEachCohortCoversAndCapacityFromTheDayOn() {
        BookingTallies.Tallies t = new PostgresBookingTallies(db.pool()).count(LocalDate.parse("2030-07-26"));

        assertThat(t.cohorts()).containsExactly(
                new BookingTallies.CohortRate("fifties", "55-59", 3, 1),
                new BookingTallies.CohortRate("teachers", "Teachers", 2, 1));
        // Covered: residents 1, 2, 3 (fifties) and 4 (teacher); by the last digit of their day of birth.
        assertThat(t.digits()).hasSize(10);
        assertThat(t.digits().get(1)).isEqualTo(new BookingTallies.DigitRate(1, 2, 1));
        assertThat(t.digits().get(2)).isEqualTo(new BookingTallies.DigitRate(2, 1, 0));
        assertThat(t.digits().get(5)).isEqualTo(new BookingTallies.DigitRate(5, 1, 1));
        assertThat(t.digits().get(0)).isEqualTo(new BookingTallies.DigitRate(0, 0, 0));
        assertThat(t.capacity()).containsExactly(
                new BookingTallies.CapacityLeft("부산광역시", "PFZ", 3, 0),
                new BookingTallies.CapacityLeft("서울특별시", "PFZ", 15, 2));
        assertThat(t.capacity().get(1).left()).isEqualTo(13);
    }
}
