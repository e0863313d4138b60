package dev.orderly.surge.walk;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of a process as the kernel counts it ({@code /proc/<pid>/stat}: user + system time of
 * all its threads, plus what its reaped children used), optionally with the live children of the
 * process added (a PostgreSQL postmaster and its backends).
 *
 * <p>Deltas of this sum are exact across a run even when children come and go: a backend alive at
 * the first reading and gone at the second moved its whole time into its parent's reaped-children
 * fields when it was reaped. Linux only; {@link #available()} says whether it can be read.
 */
record ProcessCpu(long pid, boolean withChildren, long ticks) {
    private static final Path PROC = Path.of("/proc");

    /** The clock ticks of {@code /proc} times; 100 on every Linux this runs on, asked of getconf to be sure. */
    static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            p.waitFor();
            return Long.parseLong(out);
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }

    boolean available() {
        return Files.isReadable(PROC.resolve(Long.toString(pid)).resolve("stat"));
    }

    /** CPU used so far in milliseconds; -1 when the process is gone. */
    double millis() {
        long[] self = read(pid);
        if (self == null) {
            return -1;
        }
        long used = self[1] + self[2] + self[3] + self[4];
        if (withChildren) {
            used += liveChildrenTicks();
        }
        return used * 1000.0 / ticks;
    }

    private long liveChildrenTicks() {
        long sum = 0;
        try (DirectoryStream<Path> all = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path p : all) {
                long[] s = read(Long.parseLong(p.getFileName().toString()));
                if (s != null && s[0] == pid) {
                    // A backend's own reaped children (rare) count too.
                    sum += s[1] + s[2] + s[3] + s[4];
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc: " + e.getMessage(), e);
        }
        return sum;
    }

    /** ppid, utime, stime, cutime, cstime of a process, or null when it is gone. */
    private static long[] read(long pid) {
        String stat;
        try {
            stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
        } catch (IOException e) {
            return null;
        }
        // The command name (field 2) may hold spaces and parentheses: the fields resume after the last ')'.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(f[1]), Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]),
                Long.parseLong(f[14])};
    }
}
