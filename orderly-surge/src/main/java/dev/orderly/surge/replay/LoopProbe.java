package dev.orderly.surge.replay;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * How busy the replay's own event loop is, so the report can tell the generator's limits from the
 * server's: the loop thread's CPU per second, how late a 100 ms timer fires (lag), and the whole
 * process's CPU. Made and ticked on the loop thread only.
 */
final class LoopProbe {
    /** One second's reading: CPU of the loop (share of a core), the worst lag (ms), the process's CPU (cores). */
    record Reading(double loopCpu, double lagMs, double processCpuCores) {
    }

    static final long LAG_PERIOD_MILLIS = 100;

    private final long loopThreadId = Thread.currentThread().threadId();
    private long lastLoopCpu;
    private long lastLagProbe = System.nanoTime();
    private double maxLagMs;

    /** Called every {@link #LAG_PERIOD_MILLIS}: how late this timer fired is the loop's lag. */
    void lagTick() {
        long now = System.nanoTime();
        maxLagMs = Math.max(maxLagMs, Math.max(0, (now - lastLagProbe) / 1e6 - LAG_PERIOD_MILLIS));
        lastLagProbe = now;
    }

    /** The second just ended; the worst lag starts again from zero. */
    Reading read() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu = threads.getThreadCpuTime(loopThreadId);
        double loopCpu = lastLoopCpu == 0 ? 0 : (cpu - lastLoopCpu) / 1e9;
        lastLoopCpu = cpu;
        Reading reading = new Reading(loopCpu, maxLagMs, processCpuCores());
        maxLagMs = 0;
        return reading;
    }

    private static double processCpuCores() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            double load = os.getProcessCpuLoad();
            return load < 0 ? 0 : load * Runtime.getRuntime().availableProcessors();
        }
        return 0;
    }
}
