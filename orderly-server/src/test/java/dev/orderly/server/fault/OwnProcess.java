package dev.orderly.server.fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** What the fault tests' own servers share: free ports, running commands, waiting with a deadline. */
final class OwnProcess {

    /** Generous: the machine is shared and busy; a server's start is never what a fault test measures. */
    static final Duration STARTS_WITHIN = Duration.ofMinutes(3);

    private OwnProcess() {
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /**
     * Runs {@code command} to its end (output into {@code log}) and fails with that output when it
     * fails. As root, PostgreSQL refuses to run: {@code asUser} then runs it as that user.
     */
    static void run(Path log, String asUser, List<String> command) {
        List<String> full = new ArrayList<>();
        if (asUser != null) {
            full.addAll(List.of("runuser", "-u", asUser, "--"));
        }
        full.addAll(command);
        try {
            Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            if (!p.waitFor(STARTS_WITHIN.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("gave up waiting for " + full + ": " + Files.readString(log));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(full + " failed with " + p.exitValue() + ": " + Files.readString(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Polls {@code condition} until it holds; fails after {@code deadline}. */
    static void await(String what, Duration deadline, BooleanSupplier condition) {
        long until = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("gave up after " + deadline + " waiting until " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }
}
