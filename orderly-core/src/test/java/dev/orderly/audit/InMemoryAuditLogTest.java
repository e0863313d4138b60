package dev.orderly.audit;

import dev.orderly.time.MutableClock;

class InMemoryAuditLogTest extends AuditLogContract {

    @Override
    protected AuditLog newLog(MutableClock clock) {
        return new InMemoryAuditLog(clock);
    }
}
