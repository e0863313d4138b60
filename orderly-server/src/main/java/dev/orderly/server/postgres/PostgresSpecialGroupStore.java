package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;

import dev.orderly.eligibility.SpecialGroupStore;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Special-group lists in PostgreSQL; each write is one transaction. */
public final class PostgresSpecialGroupStore implements SpecialGroupStore {

    private final Pool pool;

    public PostgresSpecialGroupStore(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Set<String> groupsOf(long residentId) {
        Set<String> groups = new HashSet<>();
        await(pool.preparedQuery("SELECT group_code FROM special_group_members WHERE resident_id = $1").execute(Tuple.of(residentId)))
                .forEach(r -> groups.add(r.getString(0)));
        return Set.copyOf(groups);
    }

    @Override
    public void write(Collection<Member> members, Set<String> replacing) {
        Long[] ids = members.stream().map(Member::residentId).toArray(Long[]::new);
        String[] groups = members.stream().map(Member::group).toArray(String[]::new);
        await(pool.withTransaction(conn -> conn.preparedQuery("""
                        DELETE FROM special_group_members m WHERE m.group_code = ANY($1)
                          AND NOT EXISTS (SELECT 1 FROM unnest($2::bigint[], $3::text[]) AS q(resident_id, group_code)
                                          WHERE q.resident_id = m.resident_id AND q.group_code = m.group_code)""")
                .execute(Tuple.tuple().addArrayOfString(replacing.toArray(String[]::new)).addArrayOfLong(ids).addArrayOfString(groups))
                .compose(x -> conn.preparedQuery("""
                        INSERT INTO special_group_members (resident_id, group_code) SELECT * FROM unnest($1::bigint[], $2::text[])
                        ON CONFLICT DO NOTHING""").execute(Tuple.tuple().addArrayOfLong(ids).addArrayOfString(groups)))));
    }

    @Override
    public Map<String, Integer> sizes() {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        await(pool.query("SELECT group_code, count(*)::int FROM special_group_members GROUP BY group_code ORDER BY group_code").execute())
                .forEach(r -> sizes.put(r.getString(0), r.getInteger(1)));
        return sizes;
    }
}
