package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;

import dev.orderly.privacy.FieldCipher;
import dev.orderly.privacy.KeyedHash;
import dev.orderly.registry.Person;
import dev.orderly.watch.SyntheticResidents;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The canary's residents in the registry table, flagged {@code synthetic}, their phones sealed and
 * hashed like anyone's (verification finds them the ordinary way). Made on first use, by an
 * upsert on a resident number no real one can have.
 */
public final class PostgresSyntheticResidents implements SyntheticResidents {

    /** The canary's name (Korean, as the registry's names are). */
    public static final String NAME = "점검용가상주민";

    private final Pool pool;
    private final KeyedHash residentNumbers;
    private final KeyedHash phones;
    private final FieldCipher phoneCipher;

    public PostgresSyntheticResidents(Pool pool, KeyedHash residentNumbers, KeyedHash phones, FieldCipher phoneCipher) {
        this.pool = pool;
        this.residentNumbers = residentNumbers;
        this.phones = phones;
        this.phoneCipher = phoneCipher;
    }

    @Override
    public Person prepare(int slot, LocalDate birthDate) {
        String phone = SyntheticResidents.phone(slot);
        FieldCipher.Sealed sealed = phoneCipher.seal(phone);
        long id = await(pool.preparedQuery("""
                INSERT INTO residents (resident_number_hash, name, birth_date, phone_hash, phone_sealed, phone_key_id, synthetic)
                VALUES ($1, $2, $3, $4, $5, $6, true)
                ON CONFLICT (resident_number_hash) DO UPDATE SET birth_date = EXCLUDED.birth_date
                WHERE residents.synthetic
                RETURNING id""").execute(Tuple.of(Buffer.buffer(residentNumbers.of("synthetic-canary-" + slot)), NAME, birthDate,
                Buffer.buffer(phones.of(phone)), Buffer.buffer(sealed.bytes()), sealed.keyId()))).iterator().next().getLong(0);
        return new Person(id, NAME, birthDate, phone);
    }

    @Override
    public List<Long> holdingReservations() {
        List<Long> ids = new ArrayList<>();
        await(pool.query("""
                SELECT DISTINCT v.person_id FROM reservations v JOIN residents r ON r.id = v.person_id
                WHERE r.synthetic AND v.status = 'ACTIVE'""").execute()).forEach(r -> ids.add(r.getLong(0)));
        return ids;
    }
}
