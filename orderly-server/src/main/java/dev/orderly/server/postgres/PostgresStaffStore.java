package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;

import dev.orderly.privacy.FieldCipher;
import dev.orderly.staff.Role;
import dev.orderly.staff.StaffAccount;
import dev.orderly.staff.StaffSession;
import dev.orderly.staff.StaffStore;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Staff accounts ({@code staff_accounts}) and sessions ({@code staff_sessions}) in PostgreSQL,
 * shared by every node. The TOTP secret is sealed with {@code totpCipher} before it is written and
 * opened only into a {@link StaffAccount} in memory; a change is an UPDATE guarded by the version.
 */
public final class PostgresStaffStore implements StaffStore {

    private static final String COLUMNS = "login, name, role, clinics, password_hash, totp_sealed, totp_key_id, totp_last_step, "
            + "failed_attempts, locked_until, disabled, created_at, version";

    private final Pool pool;
    private final FieldCipher totpCipher;

    public PostgresStaffStore(Pool pool, FieldCipher totpCipher) {
        this.pool = pool;
        this.totpCipher = totpCipher;
    }

    @Override
    public boolean create(StaffAccount a) {
        FieldCipher.Sealed totp = totpCipher.seal(a.totpSecret());
        return await(pool.preparedQuery("INSERT INTO staff_accounts (" + COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
                + " ON CONFLICT (login) DO NOTHING")
                .execute(Tuple.from(new Object[] {a.login(), a.name(), a.role().slug(), clinics(a.clinics()), a.passwordHash(),
                    Buffer.buffer(totp.bytes()), totp.keyId(), a.lastTotpStep(), a.failedAttempts(),
                    a.lockedUntil().map(PostgresStaffStore::utc).orElse(null), a.disabled(), utc(a.createdAt()), a.version()})))
                .rowCount() == 1;
    }

    @Override
    public Optional<StaffAccount> find(String login) {
        RowSet<Row> rows = await(pool.preparedQuery("SELECT " + COLUMNS + " FROM staff_accounts WHERE login = $1").execute(Tuple.of(login)));
        return rows.size() == 0 ? Optional.empty() : Optional.of(account(rows.iterator().next()));
    }

    @Override
    public List<StaffAccount> all() {
        List<StaffAccount> all = new ArrayList<>();
        await(pool.query("SELECT " + COLUMNS + " FROM staff_accounts ORDER BY login").execute()).forEach(r -> all.add(account(r)));
        return all;
    }

    @Override
    public boolean replace(StaffAccount current, StaffAccount next) {
        if (!current.login().equals(next.login())) {
            throw new IllegalArgumentException("a login never changes: " + current.login() + " -> " + next.login());
        }
        // The secret is sealed afresh only when it changed: a sign-in (the busiest change) writes no new ciphertext.
        boolean newSecret = !next.totpSecret().equals(current.totpSecret());
        FieldCipher.Sealed totp = newSecret ? totpCipher.seal(next.totpSecret()) : null;
        return await(pool.preparedQuery("""
                UPDATE staff_accounts SET name = $2, role = $3, clinics = $4, password_hash = $5,
                    totp_sealed = COALESCE($6, totp_sealed), totp_key_id = COALESCE($7, totp_key_id), totp_last_step = $8,
                    failed_attempts = $9, locked_until = $10, disabled = $11, version = $12 + 1
                WHERE login = $1 AND version = $12""")
                .execute(Tuple.from(new Object[] {next.login(), next.name(), next.role().slug(), clinics(next.clinics()),
                    next.passwordHash(), totp == null ? null : Buffer.buffer(totp.bytes()), totp == null ? null : totp.keyId(),
                    next.lastTotpStep(), next.failedAttempts(), next.lockedUntil().map(PostgresStaffStore::utc).orElse(null),
                    next.disabled(), current.version()}))).rowCount() == 1;
    }

    @Override
    public void startSession(StaffSession s) {
        await(pool.preparedQuery("INSERT INTO staff_sessions (id, login, started_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
                .execute(Tuple.of(s.id(), s.login(), utc(s.startedAt()), utc(s.lastSeenAt()), utc(s.expiresAt()))));
    }

    @Override
    public Optional<StaffSession> session(String id) {
        RowSet<Row> rows = await(pool.preparedQuery("SELECT id, login, started_at, last_seen_at, expires_at FROM staff_sessions WHERE id = $1")
                .execute(Tuple.of(id)));
        if (rows.size() == 0) {
            return Optional.empty();
        }
        Row r = rows.iterator().next();
        return Optional.of(new StaffSession(r.getString(0), r.getString(1), instant(r, 2), instant(r, 3), instant(r, 4)));
    }

    @Override
    public void touchSession(String id, Instant lastSeenAt) {
        // Never backwards: two nodes touching at once leave the later time.
        await(pool.preparedQuery("UPDATE staff_sessions SET last_seen_at = GREATEST(last_seen_at, $2) WHERE id = $1")
                .execute(Tuple.of(id, utc(lastSeenAt))));
    }

    @Override
    public boolean endSession(String id) {
        return await(pool.preparedQuery("DELETE FROM staff_sessions WHERE id = $1").execute(Tuple.of(id))).rowCount() == 1;
    }

    @Override
    public int endSessionsOf(String login) {
        return await(pool.preparedQuery("DELETE FROM staff_sessions WHERE login = $1").execute(Tuple.of(login))).rowCount();
    }

    @Override
    public int forgetSessionsOver(Instant now, Instant idleBefore) {
        return await(pool.preparedQuery("DELETE FROM staff_sessions WHERE expires_at <= $1 OR last_seen_at < $2")
                .execute(Tuple.of(utc(now), utc(idleBefore)))).rowCount();
    }

    @Override
    public Optional<Instant> unknownLoginLock(String key, Instant now) {
        RowSet<Row> rows = await(pool.preparedQuery("SELECT locked_until FROM staff_unknown_logins WHERE key = $1 AND locked_until > $2")
                .execute(Tuple.of(key, utc(now))));
        return rows.size() == 0 ? Optional.empty() : Optional.of(instant(rows.iterator().next(), 0));
    }

    @Override
    public Optional<Instant> countUnknownLoginFailure(String key, Instant now, int maxFailures, Instant lockUntil, Instant forgetBefore) {
        await(pool.preparedQuery("DELETE FROM staff_unknown_logins WHERE last_failed_at < $1 AND (locked_until IS NULL OR locked_until <= $2)")
                .execute(Tuple.of(utc(forgetBefore), utc(now))));
        // One statement decides, so failures from several nodes at once are each counted once; the
        // WHERE leaves a lock that is on alone (the row is then read back below). A lock set the count
        // to 0, and the DELETE above forgot old counts, so the next count is always failures + 1.
        RowSet<Row> counted = await(pool.preparedQuery("""
                INSERT INTO staff_unknown_logins AS u (key, failures, locked_until, last_failed_at)
                VALUES ($1, CASE WHEN $3 <= 1 THEN 0 ELSE 1 END, CASE WHEN $3 <= 1 THEN $4::timestamptz END, $2)
                ON CONFLICT (key) DO UPDATE SET
                    failures = CASE WHEN u.failures + 1 >= $3 THEN 0 ELSE u.failures + 1 END,
                    locked_until = CASE WHEN u.failures + 1 >= $3 THEN $4::timestamptz END,
                    last_failed_at = $2
                WHERE u.locked_until IS NULL OR u.locked_until <= $2
                RETURNING locked_until""")
                .execute(Tuple.of(key, utc(now), maxFailures, utc(lockUntil))));
        if (counted.size() == 0) {
            return unknownLoginLock(key, now);
        }
        OffsetDateTime locked = counted.iterator().next().getOffsetDateTime(0);
        return Optional.ofNullable(locked).map(OffsetDateTime::toInstant).filter(now::isBefore);
    }

    /**
     * Re-seals, with the cipher's current key, every TOTP secret sealed with another (after a phone
     * key rotation, beside the phone numbers); returns how many. A secret changed meanwhile is left
     * as its change wrote it.
     */
    public int resealTotp() {
        String current = totpCipher.currentKeyId();
        int resealed = 0;
        for (Row r : await(pool.preparedQuery("SELECT login, totp_sealed, totp_key_id FROM staff_accounts WHERE totp_key_id <> $1")
                .execute(Tuple.of(current)))) {
            Buffer old = r.getBuffer(1);
            FieldCipher.Sealed sealed = totpCipher.seal(totpCipher.open(r.getString(2), old.getBytes()));
            resealed += await(pool.preparedQuery("""
                    UPDATE staff_accounts SET totp_sealed = $2, totp_key_id = $3 WHERE login = $1 AND totp_key_id = $4 AND totp_sealed = $5""")
                    .execute(Tuple.of(r.getString(0), Buffer.buffer(sealed.bytes()), sealed.keyId(), r.getString(2), old))).rowCount();
        }
        return resealed;
    }

    /** The ids of the keys that seal some TOTP secret. */
    public List<String> totpKeyIdsInUse() {
        List<String> ids = new ArrayList<>();
        await(pool.query("SELECT DISTINCT totp_key_id FROM staff_accounts ORDER BY 1").execute()).forEach(r -> ids.add(r.getString(0)));
        return ids;
    }

    private StaffAccount account(Row r) {
        Long[] clinicIds = r.getArrayOfLongs(3);
        Set<Long> clinics = clinicIds == null ? Set.of() : Arrays.stream(clinicIds).collect(Collectors.toUnmodifiableSet());
        String secret = totpCipher.open(r.getString(6), r.getBuffer(5).getBytes());
        Role role = Role.fromSlug(r.getString(2)).orElseThrow(() -> new IllegalStateException("unknown role in staff_accounts: " + r.getString(2)));
        OffsetDateTime locked = r.getOffsetDateTime(9);
        return new StaffAccount(r.getString(0), r.getString(1), role, clinics, r.getString(4), secret, r.getLong(7), r.getInteger(8),
                Optional.ofNullable(locked).map(OffsetDateTime::toInstant), r.getBoolean(10), instant(r, 11), r.getLong(12));
    }

    private static Long[] clinics(Set<Long> clinics) {
        return clinics.stream().sorted().toArray(Long[]::new);
    }

    private static Instant instant(Row r, int column) {
        return r.getOffsetDateTime(column).toInstant();
    }

    static OffsetDateTime utc(Instant instant) {
        return PostgresBookingStore.utc(instant);
    }
}
