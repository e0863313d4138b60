package dev.orderly.server.postgres;

import dev.orderly.watch.EvaluatorLease;
import dev.orderly.watch.EvaluatorLeaseContract;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The lease runs on the database's clock: the run-out case lets real time pass. */
class PostgresEvaluatorLeaseIT extends EvaluatorLeaseContract {

    private static PostgresTestDatabase db;

    @BeforeAll
    static void start() {
        db = PostgresTestDatabase.start();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Override
    protected EvaluatorLease lease() {
        db.sql("TRUNCATE watch_lease");
        return new PostgresEvaluatorLease(db.database().pool(), "watchdog");
    }

    @Override
    protected void pass(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() - end < 0) {
            LockSupport.parkNanos(end - System.nanoTime());
        }
    }
}
