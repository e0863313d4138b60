package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;

import dev.orderly.booking.BookingTallies;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The booking tallies counted in PostgreSQL, from the registry, the cohorts and the
 * reservations (a person's id is the registry's resident id); the canary's synthetic residents are left out. A resident a cohort covers is born
 * in its range and, for a special-group cohort, on its list. Whole-table counts: meant to be asked every few seconds by one dashboard feed
 * per node, not per request.
 */
public final class PostgresBookingTallies implements BookingTallies {

    private final Pool pool;

    public PostgresBookingTallies(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Tallies count(LocalDate from) {
        List<CohortRate> cohorts = new ArrayList<>();
        await(pool.query("""
                SELECT c.id, c.name,
                       (SELECT count(*) FROM residents r
                        WHERE NOT r.synthetic AND r.birth_date BETWEEN c.born_from AND c.born_to
                          AND (c.special_group IS NULL OR EXISTS (SELECT 1 FROM special_group_members m
                                                                  WHERE m.group_code = c.special_group AND m.resident_id = r.id))),
                       (SELECT count(*) FROM reservations v JOIN residents r ON r.id = v.person_id
                        WHERE v.dose = 1 AND v.status = 'ACTIVE'
                          AND NOT r.synthetic AND r.birth_date BETWEEN c.born_from AND c.born_to
                          AND (c.special_group IS NULL OR EXISTS (SELECT 1 FROM special_group_members m
                                                                  WHERE m.group_code = c.special_group AND m.resident_id = r.id)))
                FROM cohorts c ORDER BY c.id""").execute())
                .forEach(r -> cohorts.add(new CohortRate(r.getString(0), r.getString(1), r.getLong(2), r.getLong(3))));
        long[] eligible = new long[10];
        long[] booked = new long[10];
        await(pool.query("""
                SELECT (extract(day FROM r.birth_date)::int % 10) AS digit, count(*),
                       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM reservations v
                                                      WHERE v.person_id = r.id AND v.dose = 1 AND v.status = 'ACTIVE'))
                FROM residents r
                WHERE NOT r.synthetic AND EXISTS (SELECT 1 FROM cohorts c
                              WHERE r.birth_date BETWEEN c.born_from AND c.born_to
                                AND (c.special_group IS NULL OR EXISTS (SELECT 1 FROM special_group_members m
                                                                        WHERE m.group_code = c.special_group AND m.resident_id = r.id)))
                GROUP BY 1""").execute())
                .forEach(r -> {
                    eligible[r.getInteger(0)] = r.getLong(1);
                    booked[r.getInteger(0)] = r.getLong(2);
                });
        List<DigitRate> digits = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            digits.add(new DigitRate(d, eligible[d], booked[d]));
        }
        List<CapacityLeft> capacity = new ArrayList<>();
        await(pool.preparedQuery("""
                SELECT c.province, d.product, sum(d.capacity)::bigint, sum(d.booked)::bigint
                FROM day_capacity d JOIN clinics c ON c.id = d.clinic_id
                WHERE d.day >= $1
                GROUP BY c.province, d.product ORDER BY c.province, d.product""").execute(Tuple.of(from)))
                .forEach(r -> capacity.add(new CapacityLeft(r.getString(0), r.getString(1), r.getLong(2), r.getLong(3))));
        return new Tallies(cohorts, digits, capacity);
    }
}
