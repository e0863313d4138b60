package dev.orderly.eligibility;

/** The memory stores against the eligibility contract. */
class InMemoryEligibilityStoresTest extends EligibilityStoresContract {

    @Override
    protected CohortStore newCohortStore() {
        return new InMemoryCohortStore();
    }

    @Override
    protected SpecialGroupStore newSpecialGroupStore() {
        return new InMemorySpecialGroupStore();
    }
}
