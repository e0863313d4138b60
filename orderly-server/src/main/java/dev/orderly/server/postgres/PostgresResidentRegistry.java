package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;

import dev.orderly.registry.Person;
import dev.orderly.registry.ResidentRegistry;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The resident registry in PostgreSQL. */
public final class PostgresResidentRegistry implements ResidentRegistry {

    private final Pool pool;

    public PostgresResidentRegistry(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Optional<Person> find(String name, LocalDate birthDate, String phone) {
        return first(await(pool.preparedQuery(
                "SELECT id, name, birth_date, phone FROM residents WHERE phone = $1 AND birth_date = $2 AND name = $3")
                .execute(Tuple.of(phone, birthDate, name))));
    }

    @Override
    public Optional<Person> byId(long id) {
        return first(await(pool.preparedQuery("SELECT id, name, birth_date, phone FROM residents WHERE id = $1")
                .execute(Tuple.of(id))));
    }

    /** Up to {@code count} residents born in [from, to], lowest ids first: for the demo page. */
    public List<Person> sample(LocalDate from, LocalDate to, int count) {
        List<Person> result = new ArrayList<>();
        await(pool.preparedQuery("SELECT id, name, birth_date, phone FROM residents WHERE birth_date BETWEEN $1 AND $2 ORDER BY id LIMIT $3")
                .execute(Tuple.of(from, to, count)))
                .forEach(r -> result.add(new Person(r.getLong(0), r.getString(1), r.getLocalDate(2), r.getString(3))));
        return result;
    }

    private static Optional<Person> first(RowSet<Row> rows) {
        if (rows.size() == 0) {
            return Optional.empty();
        }
        Row r = rows.iterator().next();
        return Optional.of(new Person(r.getLong(0), r.getString(1), r.getLocalDate(2), r.getString(3)));
    }
}
