package dev.orderly.surge.walk;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orderly.surge.SurgeCli;
import dev.orderly.surge.replay.Setup;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code surge walk}: what one whole citizen walk costs a running Orderly, in CPU time and latency (docs/surge.md). */
@Command(name = "walk", mixinStandardHelpOptions = true,
        description = "Walks people through the whole flow of a running Orderly (a demo deployment, ORDERLY_TRUST_FORWARDED_FOR=true) "
                + "with its gates opened wide, and reports the CPU time of the server and of PostgreSQL per completed walk.")
public final class WalkCommand implements Callable<Integer> {
    @Option(names = "--target", required = true, paramLabel = "URL", description = "base URL of the Orderly node")
    URI target;

    @Option(names = "--operator-token-file", required = true, paramLabel = "F",
            description = "a file holding the operator token (orderly-data/operator.token): opens the gates wide, checks integrity")
    Path operatorTokenFile;

    @Option(names = "--server-pid", paramLabel = "PID", description = "pid of the Orderly process, whose CPU time is measured")
    Long serverPid;

    @Option(names = "--postgres-pid", paramLabel = "PID",
            description = "pid of the PostgreSQL postmaster, measured with its backends; or give --postgres-data")
    Long postgresPid;

    @Option(names = "--postgres-data", paramLabel = "DIR",
            description = "the PostgreSQL data folder: its postmaster.pid names the postmaster (embedded: orderly-data/postgres/data)")
    Path postgresData;

    @Option(names = "--redis-pid", paramLabel = "PID",
            description = "pid of the redis-server holding the gates (distributed mode), whose CPU time is counted with the stores'")
    Long redisPid;

    @Option(names = "--walkers", paramLabel = "N", defaultValue = "64",
            description = "people walking at once (closed loop); default ${DEFAULT-VALUE}")
    int walkers;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "0",
            description = "walks started per second whatever the answers (open loop) instead of --walkers; default closed")
    double rate;

    @Option(names = "--warmup", paramLabel = "D", defaultValue = "15s", description = "unmeasured walks first; default ${DEFAULT-VALUE}")
    Duration warmup;

    @Option(names = "--duration", paramLabel = "D", defaultValue = "30s", description = "measured phase; default ${DEFAULT-VALUE}")
    Duration duration;

    @Option(names = "--people", paramLabel = "N", defaultValue = "60000",
            description = "residents to walk at most (each walks once: a booked person cannot book again); default ${DEFAULT-VALUE}")
    int people;

    @Option(names = "--resident-offset", paramLabel = "N", defaultValue = "0",
            description = "skip this many residents (a later run against the same data takes fresh people); default ${DEFAULT-VALUE}")
    int residentOffset;

    @Option(names = "--connections", paramLabel = "N", defaultValue = "64",
            description = "keep-alive connections to the node; default ${DEFAULT-VALUE}")
    int connections;

    @Option(names = "--bookings", paramLabel = "N", defaultValue = "0",
            description = "instead of whole walks: prepare N people up to the booking, then send their N bookings at once "
                    + "and measure bookings per second over HTTP")
    int bookings;

    @Option(names = "--idle", paramLabel = "D", defaultValue = "10s",
            description = "after the warm-up, measure what Orderly and PostgreSQL spend with nobody walking, to report the "
                    + "CPU per walk also net of it; 0s: do not; default ${DEFAULT-VALUE}")
    Duration idle;

    @Option(names = "--out", paramLabel = "FILE", description = "also write the figures as JSON here")
    Path out;

    @Override
    public Integer call() {
        String token;
        try {
            token = Files.readString(operatorTokenFile).strip();
            if (postgresData != null) {
                postgresPid = Long.parseLong(Files.readAllLines(postgresData.resolve("postmaster.pid")).getFirst().strip());
            }
        } catch (IOException | NumberFormatException e) {
            System.err.println("surge walk: cannot read " + e.getMessage());
            return SurgeCli.BAD_INPUT;
        }
        if (walkers < 1 || connections < 1 || people < 1 || residentOffset < 0 || rate < 0 || bookings < 0) {
            System.err.println("surge walk: --walkers, --connections and --people must be at least 1; --rate, --bookings, "
                    + "--resident-offset at least 0");
            return SurgeCli.BAD_INPUT;
        }
        WalkRun run = new WalkRun(new WalkRun.Options(target, token, walkers, rate, warmup, duration, people, residentOffset,
                connections, serverPid, postgresPid, redisPid, bookings, idle, System.err));
        List<WalkRun.Phase> phases;
        try {
            phases = run.run();
        } catch (Setup.Unusable | IllegalArgumentException e) {
            System.err.println("surge walk: " + e.getMessage());
            return SurgeCli.TARGET_UNUSABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SurgeCli.TOOL_FAILED;
        }
        for (WalkRun.Phase p : phases) {
            System.out.println(describe(p, bookings > 0, redisPid != null));
        }
        run.notes().forEach(n -> System.out.println("note: " + n));
        if (out != null) {
            try {
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out.toFile(), json(phases, run.notes()));
            } catch (IOException e) {
                System.err.println("surge walk: cannot write " + out + ": " + e.getMessage());
                return SurgeCli.TOOL_FAILED;
            }
        }
        run.problems().forEach(p -> System.err.println("surge walk: " + p));
        return phases.stream().anyMatch(p -> p.failed() > 0) || !run.problems().isEmpty() ? SurgeCli.INVARIANT_FAILED : SurgeCli.OK;
    }

    static String describe(WalkRun.Phase p, boolean burst, boolean redisMeasured) {
        StringBuilder b = new StringBuilder();
        int done = burst ? p.booked() : p.walks();
        String unit = burst ? "booking" : "walk";
        b.append(String.format(Locale.ROOT, "%s: %d %ss (%d booked, %d no place, %d failed) in %.2f s = %.1f %ss/s; %.2f requests per %s%n",
                p.name(), p.walks(), unit, p.booked(), p.noPlace(), p.failed(), p.seconds(), done / p.seconds(), unit,
                (double) p.steps().requests() / Math.max(1, p.walks()), unit));
        if (Double.isNaN(p.serverCpuMs()) || Double.isNaN(p.postgresCpuMs())) {
            b.append(String.format(Locale.ROOT, "CPU per %s: not counted; give --server-pid and --postgres-data (or --postgres-pid) "
                    + "to count Orderly's and PostgreSQL's%n", unit));
        } else {
            String redis = redisMeasured ? String.format(Locale.ROOT, " + Redis %.3f ms", p.redisCpuMs() / done) : "";
            String redisCores = redisMeasured ? String.format(Locale.ROOT, ", Redis %.2f", p.redisCpuMs() / 1000 / p.cpuSeconds()) : "";
            String redisIdle = redisMeasured ? String.format(Locale.ROOT, " + Redis %.3f", p.idle().redisCores()) : "";
            b.append(String.format(Locale.ROOT, "CPU per %s: Orderly %.3f ms + PostgreSQL %.3f ms%s = %.3f ms (generator %.3f ms); "
                    + "cores busy: Orderly %.2f, PostgreSQL %.2f%s, generator %.2f%n", unit, p.serverCpuMs() / done, p.postgresCpuMs() / done,
                    redis, p.cpuMs() / done, p.generatorCpuMs() / done, p.serverCpuMs() / 1000 / p.cpuSeconds(),
                    p.postgresCpuMs() / 1000 / p.cpuSeconds(), redisCores, p.generatorCpuMs() / 1000 / p.cpuSeconds()));
            b.append(String.format(Locale.ROOT, "CPU per %s net of idle (Orderly %.3f + PostgreSQL %.3f%s cores spent anyway): %.3f ms%n", unit,
                    p.idle().serverCores(), p.idle().postgresCores(), redisIdle, p.netCpuMs() / done));
        }
        if (p.generatorCpuMs() / 1000 / p.cpuSeconds() > 0.8) {
            b.append("GENERATOR-BOUND: the generator used most of a core; the server was not the limit\n");
        }
        b.append("| step | requests | p50 ms | p99 ms | max ms | unexpected |\n| --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (Map.Entry<Step, double[]> e : WalkRun.percentiles(p.steps()).entrySet()) {
            double[] v = e.getValue();
            if (v[0] > 0) {
                b.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.1f | %d |%n", e.getKey().label, (long) v[0], v[1], v[2], v[3],
                        p.steps().unexpectedOf(e.getKey())));
            }
        }
        p.failures().forEach(f -> b.append("failed at: ").append(f).append('\n'));
        return b.toString();
    }

    private static ObjectNode json(List<WalkRun.Phase> phases, List<String> notes) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        ArrayNode list = root.putArray("phases");
        for (WalkRun.Phase p : phases) {
            ObjectNode o = list.addObject().put("name", p.name()).put("walks", p.walks()).put("booked", p.booked())
                    .put("noPlace", p.noPlace()).put("failed", p.failed()).put("seconds", p.seconds()).put("cpuSeconds", p.cpuSeconds())
                    .put("requests", p.steps().requests()).put("serverCpuMs", p.serverCpuMs()).put("postgresCpuMs", p.postgresCpuMs())
                    .put("generatorCpuMs", p.generatorCpuMs())
                    .put("idleServerCores", p.idle().serverCores()).put("idlePostgresCores", p.idle().postgresCores())
                    .put("netCpuMs", p.netCpuMs());
            if (!Double.isNaN(p.redisCpuMs())) {
                o.put("redisCpuMs", p.redisCpuMs()).put("idleRedisCores", p.idle().redisCores());
            }
            ObjectNode steps = o.putObject("steps");
            WalkRun.percentiles(p.steps()).forEach((s, v) -> steps.putObject(s.label).put("count", (long) v[0]).put("p50Ms", v[1])
                    .put("p99Ms", v[2]).put("maxMs", v[3]));
        }
        notes.forEach(root.putArray("notes")::add);
        return root;
    }
}
