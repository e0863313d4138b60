package dev.orderly.identity;

import java.time.LocalDate;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;

/** Daily counts in one node's memory: for tests and single-node trials. Forgets days before yesterday. */
public final class InMemoryDailyQuota implements DailyQuota {

    private record DayKey(LocalDate day, String key) {
    }

    private final ConcurrentMap<DayKey, Integer> counts = new ConcurrentHashMap<>();
    private final AtomicReference<LocalDate> latestDay = new AtomicReference<>(LocalDate.MIN);

    @Override
    public boolean tryTake(String key, LocalDate day, int limit) {
        LocalDate before = latestDay.getAndAccumulate(day, (a, b) -> a.isAfter(b) ? a : b);
        if (day.isAfter(before)) {
            counts.keySet().removeIf(k -> k.day().isBefore(day.minusDays(1)));
        }
        boolean[] taken = {false};
        counts.compute(new DayKey(day, key), (k, n) -> {
            int current = n == null ? 0 : n;
            if (current >= limit) {
                return current;
            }
            taken[0] = true;
            return current + 1;
        });
        return taken[0];
    }
}
