package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;

import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which keys the personal data in this database was written with, as check values (a keyed hash
 * of a fixed label: they tell keys apart and reveal nothing of them). Table {@code privacy_keys}.
 */
public final class PostgresKeyRecords {

    private final Pool pool;

    public PostgresKeyRecords(Pool pool) {
        this.pool = pool;
    }

    /**
     * Records the key if none of that kind and id was recorded; returns whether the recorded one
     * (now or before) has this check value.
     */
    public boolean recordOrMatch(String kind, String keyId, byte[] checkValue) {
        await(pool.preparedQuery("INSERT INTO privacy_keys (kind, key_id, check_value) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .execute(Tuple.of(kind, keyId, Buffer.buffer(checkValue))));
        Row stored = await(pool.preparedQuery("SELECT check_value FROM privacy_keys WHERE kind = $1 AND key_id = $2")
                .execute(Tuple.of(kind, keyId))).iterator().next();
        return MessageDigest.isEqual(stored.getBuffer(0).getBytes(), checkValue);
    }

    /** Key id to check value, for every recorded key of {@code kind}. */
    public Map<String, byte[]> recorded(String kind) {
        Map<String, byte[]> result = new LinkedHashMap<>();
        await(pool.preparedQuery("SELECT key_id, check_value FROM privacy_keys WHERE kind = $1 ORDER BY key_id").execute(Tuple.of(kind)))
                .forEach(r -> result.put(r.getString(0), r.getBuffer(1).getBytes()));
        return result;
    }

    /** Forgets a key that no longer protects anything. */
    public void forget(String kind, String keyId) {
        await(pool.preparedQuery("DELETE FROM privacy_keys WHERE kind = $1 AND key_id = $2").execute(Tuple.of(kind, keyId)));
    }
}
