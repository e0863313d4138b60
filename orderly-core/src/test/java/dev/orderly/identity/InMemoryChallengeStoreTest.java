package dev.orderly.identity;

import dev.orderly.time.MutableClock;

class InMemoryChallengeStoreTest extends ChallengeStoreContract {

    @Override
    protected ChallengeStore newStore() {
        return new InMemoryChallengeStore(MutableClock.at(NOW));
    }

    @Override
    protected DailyQuota newQuota() {
        return new InMemoryDailyQuota();
    }
}
