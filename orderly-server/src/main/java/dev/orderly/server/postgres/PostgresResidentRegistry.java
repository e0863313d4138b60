package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;

import dev.orderly.privacy.FieldCipher;
import dev.orderly.privacy.KeyedHash;
import dev.orderly.registry.Person;
import dev.orderly.registry.ResidentRegistry;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The resident registry in PostgreSQL. What it keeps of a resident: the name and birth date in the
 * clear (shown to the person, used by eligibility), the resident registration number as a keyed
 * hash only, and the phone number sealed (AES-256-GCM, with the key id) plus a keyed hash of it to
 * look residents up by. The phone is unsealed only into a {@link Person} in memory.
 *
 * <p>Rows written before migration V3 hold the phone in clear; {@link #sealUnsealed} seals them,
 * and {@link #reseal} moves numbers sealed with an old key to the current one, both in batches.
 * Residents are added and changed by {@code RegistryImporter}.
 */
public final class PostgresResidentRegistry implements ResidentRegistry {

    private static final String COLUMNS = "id, name, birth_date, phone_sealed, phone_key_id, phone";
    private static final int BATCH = 1000;

    private final Pool pool;
    private final KeyedHash residentNumbers;
    private final KeyedHash phones;
    private final FieldCipher phoneCipher;

    /** A code request's lookup (one a walk): the phone's keyed hash, birth date and name. */
    private record Claimed(Buffer phoneHash, LocalDate birthDate, String name) {
    }

    /** Several lookups in one statement; {@code i} says whose row it is (at most one a key: the three are unique together). */
    private static final String CLAIMED_AMONG = "SELECT k.i, " + columns("r")
            + " FROM unnest($1::bytea[], $2::date[], $3::text[]) WITH ORDINALITY AS k(phone_hash, birth_date, name, i)"
            + " JOIN residents r ON r.phone_hash = k.phone_hash AND r.birth_date = k.birth_date AND r.name = k.name";

    // Rows, not people: a phone number is opened (AES-GCM) by its caller, off the event loop.
    private final BatchedReads<Claimed, Row> claimedReads = new BatchedReads<>(this::claimedAmong, 256);
    private final BatchedReads<Long, Row> idReads = new BatchedReads<>(this::idsAmong, 256);

    public PostgresResidentRegistry(Pool pool, KeyedHash residentNumbers, KeyedHash phones, FieldCipher phoneCipher) {
        this.pool = pool;
        this.residentNumbers = residentNumbers;
        this.phones = phones;
        this.phoneCipher = phoneCipher;
    }

    @Override
    public Optional<Person> find(String name, LocalDate birthDate, String phone) {
        return Optional.ofNullable(claimedReads.get(new Claimed(Buffer.buffer(phones.of(phone)), birthDate, name))).map(r -> person(r, 1));
    }

    private Future<Map<Claimed, Row>> claimedAmong(List<Claimed> keys) {
        Buffer[] hashes = keys.stream().map(Claimed::phoneHash).toArray(Buffer[]::new);
        LocalDate[] births = keys.stream().map(Claimed::birthDate).toArray(LocalDate[]::new);
        String[] names = keys.stream().map(Claimed::name).toArray(String[]::new);
        return BatchedReads.byKey(pool.preparedQuery(CLAIMED_AMONG).execute(Tuple.of(hashes, births, (Object) names)),
                r -> keys.get(r.getLong(0).intValue() - 1), r -> r);
    }

    @Override
    public Optional<Person> byId(long id) {
        return Optional.ofNullable(idReads.get(id)).map(r -> person(r, 0));
    }

    private Future<Map<Long, Row>> idsAmong(List<Long> ids) {
        return BatchedReads.byKey(pool.preparedQuery("SELECT " + COLUMNS + " FROM residents WHERE id = ANY($1)")
                .execute(Tuple.of((Object) ids.toArray(Long[]::new))), r -> r.getLong(0), r -> r);
    }

    @Override
    public Optional<Person> byResidentNumber(String residentNumber) {
        return first(await(pool.preparedQuery("SELECT " + COLUMNS + " FROM residents WHERE resident_number_hash = $1")
                .execute(Tuple.of(Buffer.buffer(residentNumbers.of(residentNumber))))));
    }

    /** Up to {@code count} residents born in [from, to], by id, skipping {@code offset}: for demo runs and load tests. */
    public List<Person> sample(LocalDate from, LocalDate to, int count, int offset) {
        List<Person> result = new ArrayList<>();
        await(pool.preparedQuery("SELECT " + COLUMNS + " FROM residents WHERE birth_date BETWEEN $1 AND $2 AND NOT synthetic ORDER BY id LIMIT $3 OFFSET $4")
                .execute(Tuple.of(from, to, count, offset))).forEach(r -> result.add(person(r)));
        return result;
    }

    /** Seals every phone number still kept in clear (rows from before V3); returns how many. */
    public long sealUnsealed() {
        long sealed = 0;
        while (true) {
            List<Tuple> updates = new ArrayList<>();
            for (Row r : await(pool.preparedQuery("SELECT id, phone FROM residents WHERE phone IS NOT NULL ORDER BY id LIMIT $1")
                    .execute(Tuple.of(BATCH)))) {
                updates.add(sealedRow(r.getLong(0), r.getString(1)));
            }
            if (updates.isEmpty()) {
                return sealed;
            }
            await(pool.preparedQuery("""
                    UPDATE residents SET phone = NULL, phone_hash = $2, phone_sealed = $3, phone_key_id = $4 WHERE id = $1""")
                    .executeBatch(updates));
            sealed += updates.size();
        }
    }

    /**
     * Re-seals, with the current key, every phone number sealed with another one; returns how many.
     * Goes through the table once in id order, in batches; safe to run while the server serves.
     */
    public long reseal() {
        long resealed = 0;
        long after = Long.MIN_VALUE;
        String current = phoneCipher.currentKeyId();
        while (true) {
            RowSet<Row> rows = await(pool.preparedQuery("""
                    SELECT id, phone_sealed, phone_key_id FROM residents
                    WHERE id > $1 AND phone_key_id IS NOT NULL AND phone_key_id <> $2 ORDER BY id LIMIT $3""")
                    .execute(Tuple.of(after, current, BATCH)));
            if (rows.size() == 0) {
                return resealed;
            }
            List<Tuple> updates = new ArrayList<>();
            for (Row r : rows) {
                String phone = phoneCipher.open(r.getString(2), r.getBuffer(1).getBytes());
                FieldCipher.Sealed sealed = phoneCipher.seal(phone);
                updates.add(Tuple.of(r.getLong(0), Buffer.buffer(sealed.bytes()), sealed.keyId(), r.getString(2)));
                after = r.getLong(0);
            }
            // Guarded by the old key id: a row the import rewrote meanwhile is left as the import wrote it.
            await(pool.preparedQuery("UPDATE residents SET phone_sealed = $2, phone_key_id = $3 WHERE id = $1 AND phone_key_id = $4")
                    .executeBatch(updates));
            resealed += updates.size();
        }
    }

    /** Key ids that seal at least one phone number. */
    public List<String> keyIdsInUse() {
        List<String> ids = new ArrayList<>();
        // A loose index scan would be faster on a national table; this runs only after reseal.
        await(pool.query("SELECT DISTINCT phone_key_id FROM residents WHERE phone_key_id IS NOT NULL ORDER BY 1").execute())
                .forEach(r -> ids.add(r.getString(0)));
        return ids;
    }

    private Tuple sealedRow(long id, String phone) {
        FieldCipher.Sealed sealed = phoneCipher.seal(phone);
        return Tuple.of(id, Buffer.buffer(phones.of(phone)), Buffer.buffer(sealed.bytes()), sealed.keyId());
    }

    private Optional<Person> first(RowSet<Row> rows) {
        if (rows.size() == 0) {
            return Optional.empty();
        }
        return Optional.of(person(rows.iterator().next()));
    }

    private Person person(Row r) {
        return person(r, 0);
    }

    /** Whether this registry reads from {@code other}'s database: a statement there may join residents. */
    boolean readsFrom(Pool other) {
        return pool == other;
    }

    /** The columns {@link #person(Row, int)} reads, of the residents table under {@code alias}. */
    static String columns(String alias) {
        return alias + "." + COLUMNS.replace(", ", ", " + alias + ".");
    }

    /** The person in {@code r}'s columns from {@code from} on (as {@link #columns} names them); null when the id there is. */
    Person person(Row r, int from) {
        Long id = r.getLong(from);
        if (id == null) {
            return null;
        }
        Buffer sealed = r.getBuffer(from + 3);
        String phone = sealed == null ? r.getString(from + 5) : phoneCipher.open(r.getString(from + 4), sealed.getBytes());
        return new Person(id, r.getString(from + 1), r.getLocalDate(from + 2), phone);
    }
}
