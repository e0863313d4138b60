package dev.orderly.eligibility;

import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;

/** Cohorts in one node's memory: for tests and small trials. */
public final class InMemoryCohortStore implements CohortStore {

    private final ConcurrentSkipListMap<String, Cohort> byId = new ConcurrentSkipListMap<>();

    public InMemoryCohortStore(Cohort... cohorts) {
        for (Cohort c : cohorts) {
            save(c);
        }
    }

    @Override
    public List<Cohort> all() {
        return List.copyOf(byId.values());
    }

    @Override
    public void save(Cohort cohort) {
        byId.put(cohort.id(), cohort);
    }

    @Override
    public boolean delete(String id) {
        return byId.remove(id) != null;
    }
}
