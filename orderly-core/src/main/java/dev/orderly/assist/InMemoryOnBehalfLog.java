package dev.orderly.assist;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** {@link OnBehalfLog} in memory: for tests and a single node; it tells no one. */
public final class InMemoryOnBehalfLog implements OnBehalfLog {

    private final List<OnBehalf> entries = new ArrayList<>();

    @Override
    public synchronized void record(OnBehalf entry) {
        entries.add(entry);
    }

    @Override
    public synchronized List<OnBehalf> of(long personId, int limit) {
        List<OnBehalf> mine = new ArrayList<>(entries.stream().filter(e -> e.personId() == personId).toList());
        // Equal instants keep the order recorded, newest last: reverse after a stable sort.
        mine.sort(Comparator.comparing(OnBehalf::at));
        return mine.reversed().stream().limit(limit).toList();
    }
}
