package dev.orderly.eligibility;

import java.util.List;

/** Port: the configured cohorts. */
public interface CohortStore {

    List<Cohort> all();
}
