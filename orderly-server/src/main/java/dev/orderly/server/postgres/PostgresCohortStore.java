package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;

import dev.orderly.eligibility.BookingWindow;
import dev.orderly.eligibility.Cohort;
import dev.orderly.eligibility.CohortStore;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cohorts and their windows in PostgreSQL. Reads are cached for a few seconds: eligibility is
 * asked on every booking, cohorts change a few times a day.
 */
public final class PostgresCohortStore implements CohortStore {

    private static final Duration CACHE_FOR = Duration.ofSeconds(5);

    private final Pool pool;
    private final Clock clock;
    private volatile List<Cohort> cached;
    private volatile Instant cachedAt = Instant.MIN;

    public PostgresCohortStore(Pool pool, Clock clock) {
        this.pool = pool;
        this.clock = clock;
    }

    @Override
    public List<Cohort> all() {
        Instant now = clock.instant();
        List<Cohort> c = cached;
        if (c != null && now.isBefore(cachedAt.plus(CACHE_FOR)) && !now.isBefore(cachedAt)) {
            return c;
        }
        c = load();
        cached = c;
        cachedAt = now;
        return c;
    }

    private List<Cohort> load() {
        Map<String, Row> cohorts = new LinkedHashMap<>();
        await(pool.query("SELECT id, name, born_from, born_to, products FROM cohorts ORDER BY id").execute())
                .forEach(r -> cohorts.put(r.getString(0), r));
        Map<String, List<BookingWindow>> windows = new LinkedHashMap<>();
        await(pool.query("SELECT cohort_id, opens_at, closes_at FROM cohort_windows ORDER BY opens_at").execute())
                .forEach(r -> windows.computeIfAbsent(r.getString(0), k -> new ArrayList<>())
                        .add(new BookingWindow(r.getOffsetDateTime(1).toInstant(), r.getOffsetDateTime(2).toInstant())));
        List<Cohort> result = new ArrayList<>();
        cohorts.forEach((id, r) -> {
            List<BookingWindow> w = windows.getOrDefault(id, List.of());
            if (!w.isEmpty()) {
                result.add(new Cohort(id, r.getString(1), r.getLocalDate(2), r.getLocalDate(3),
                        Set.copyOf(Arrays.asList(r.getArrayOfStrings(4))), w));
            }
        });
        return List.copyOf(result);
    }

    /** Adds or replaces a cohort and all its windows. */
    public void save(Cohort cohort) {
        await(pool.withTransaction(conn -> conn.preparedQuery("""
                        INSERT INTO cohorts (id, name, born_from, born_to, products) VALUES ($1, $2, $3, $4, $5)
                        ON CONFLICT (id) DO UPDATE SET name = $2, born_from = $3, born_to = $4, products = $5""")
                .execute(Tuple.tuple().addString(cohort.id()).addString(cohort.name()).addLocalDate(cohort.bornFrom())
                        .addLocalDate(cohort.bornTo()).addArrayOfString(cohort.products().stream().sorted().toArray(String[]::new)))
                .compose(x -> conn.preparedQuery("DELETE FROM cohort_windows WHERE cohort_id = $1").execute(Tuple.of(cohort.id())))
                .compose(x -> conn.preparedQuery("INSERT INTO cohort_windows (cohort_id, opens_at, closes_at) VALUES ($1, $2, $3)")
                        .executeBatch(cohort.windows().stream()
                                .map(w -> Tuple.of(cohort.id(), PostgresBookingStore.utc(w.opensAt()), PostgresBookingStore.utc(w.closesAt())))
                                .toList()))));
        cached = null;
    }
}
