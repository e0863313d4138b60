package dev.orderly.eligibility;

import java.util.List;

/** Port: the configured cohorts. Implementations must be safe for concurrent use. */
public interface CohortStore {

    /** Every cohort, in id order. */
    List<Cohort> all();

    /** Adds or replaces the cohort with this id, windows and all. */
    void save(Cohort cohort);

    /** Removes a cohort; false when there was none with that id. */
    boolean delete(String id);
}
