package dev.orderly.identity;

class InMemoryDailyQuotaTest extends DailyQuotaContract {

    @Override
    protected DailyQuota newQuota() {
        return new InMemoryDailyQuota();
    }
}
