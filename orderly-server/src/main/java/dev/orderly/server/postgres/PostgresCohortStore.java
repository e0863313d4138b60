package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;

import dev.orderly.eligibility.BookingWindow;
import dev.orderly.eligibility.Cohort;
import dev.orderly.eligibility.CohortStore;
import dev.orderly.eligibility.Rotation;
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
import java.util.Optional;
import java.util.Set;

/**
 * Cohorts and their windows in PostgreSQL. Reads are cached for {@link #CACHE_FOR}: eligibility is
 * asked on every booking, cohorts change a few times a day. A save on this node is seen at once
 * here, on other nodes within the cache time.
 */
public final class PostgresCohortStore implements CohortStore {

    /** How long cohorts read from the database are used before reading them again. */
    public static final Duration CACHE_FOR = Duration.ofSeconds(5);

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
        // A clock set back must not keep a stale cache forever: before cachedAt counts as expired.
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
        await(pool.query("SELECT id, name, born_from, born_to, products, special_group, rotation_digit, rotation_mapping FROM cohorts ORDER BY id")
                .execute()).forEach(r -> cohorts.put(r.getString(0), r));
        Map<String, List<BookingWindow>> windows = new LinkedHashMap<>();
        await(pool.query("SELECT cohort_id, opens_at, closes_at, unbooked_only FROM cohort_windows ORDER BY opens_at").execute())
                .forEach(r -> windows.computeIfAbsent(r.getString(0), k -> new ArrayList<>())
                        .add(new BookingWindow(r.getOffsetDateTime(1).toInstant(), r.getOffsetDateTime(2).toInstant(), r.getBoolean(3))));
        List<Cohort> result = new ArrayList<>();
        cohorts.forEach((id, r) -> {
            List<BookingWindow> w = windows.getOrDefault(id, List.of());
            if (!w.isEmpty()) {
                Optional<Rotation> rotation = r.getValue(6) == null ? Optional.empty()
                        : Optional.of(new Rotation(r.getShort(6), r.getString(7)));
                result.add(new Cohort(id, r.getString(1), r.getLocalDate(2), r.getLocalDate(3), Optional.ofNullable(r.getString(5)),
                        Set.copyOf(Arrays.asList(r.getArrayOfStrings(4))), w, rotation));
            }
        });
        return List.copyOf(result);
    }

    @Override
    public void save(Cohort cohort) {
        await(pool.withTransaction(conn -> conn.preparedQuery("""
                        INSERT INTO cohorts (id, name, born_from, born_to, products, special_group, rotation_digit, rotation_mapping)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                        ON CONFLICT (id) DO UPDATE SET name = $2, born_from = $3, born_to = $4, products = $5, special_group = $6,
                                                       rotation_digit = $7, rotation_mapping = $8""")
                .execute(Tuple.tuple().addString(cohort.id()).addString(cohort.name()).addLocalDate(cohort.bornFrom())
                        .addLocalDate(cohort.bornTo()).addArrayOfString(cohort.products().stream().sorted().toArray(String[]::new))
                        .addString(cohort.specialGroup().orElse(null))
                        .addValue(cohort.rotation().map(x -> (short) x.digitIndex()).orElse(null))
                        .addString(cohort.rotation().map(Rotation::mapping).orElse(null)))
                .compose(x -> conn.preparedQuery("DELETE FROM cohort_windows WHERE cohort_id = $1").execute(Tuple.of(cohort.id())))
                .compose(x -> conn.preparedQuery("INSERT INTO cohort_windows (cohort_id, opens_at, closes_at, unbooked_only) VALUES ($1, $2, $3, $4)")
                        .executeBatch(cohort.windows().stream()
                                .map(w -> Tuple.of(cohort.id(), PostgresBookingStore.utc(w.opensAt()), PostgresBookingStore.utc(w.closesAt()),
                                        w.unbookedOnly()))
                                .toList()))));
        cached = null;
    }

    @Override
    public boolean delete(String id) {
        boolean deleted = await(pool.preparedQuery("DELETE FROM cohorts WHERE id = $1").execute(Tuple.of(id))).rowCount() > 0;
        cached = null;
        return deleted;
    }
}
