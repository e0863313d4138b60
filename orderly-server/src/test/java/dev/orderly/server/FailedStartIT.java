package dev.orderly.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * A start that fails after the embedded PostgreSQL is up, the demo data written and the booking
 * lanes and gate ticker running (here: the HTTP port is taken) leaves nothing behind: no thread of
 * Orderly's or Vert.x's, no PostgreSQL server process.
 */
class FailedStartIT {

    private static final Duration PATIENCE = Duration.ofMinutes(1);

    @Test
    void aStartThatFailsWhenThePortIsTakenLeavesNothingRunning() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
            Settings settings = TestApp.settings(Map.of("ORDERLY_DATABASE_URL", "", "ORDERLY_HTTP_PORT", String.valueOf(taken.getLocalPort()),
                    "ORDERLY_DEMO_PEOPLE", "200"));
            Path data = settings.dataDir().resolve("postgres").toAbsolutePath();

            assertThatThrownBy(() -> OrderlyApp.start(settings, Clock.systemUTC())).isInstanceOf(RuntimeException.class);

            assertThat(Files.exists(data.resolve("PG_VERSION"))).as("the embedded PostgreSQL had been started in %s", data).isTrue();
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (!(leftThreads(before).isEmpty() && postgresOf(data).isEmpty()) && System.nanoTime() - deadline < 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
            assertThat(leftThreads(before)).as("threads left running").isEmpty();
            assertThat(postgresOf(data)).as("PostgreSQL processes left running").isEmpty();
            assertThat(data.resolve("postmaster.pid")).doesNotExist();
        }
    }

    private static List<String> leftThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !before.contains(t))
                .map(Thread::getName)
                .filter(n -> n.startsWith("orderly-") || n.startsWith("vert.x-"))
                .sorted().toList();
    }

    private static List<String> postgresOf(Path data) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(data.toString())).orElse(false))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("")).toList();
    }
}
