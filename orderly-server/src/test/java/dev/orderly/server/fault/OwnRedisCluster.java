package dev.orderly.server.fault;

import dev.orderly.server.TestRedis;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Redis Cluster of three masters (no replicas) for the tests, from the installed
 * {@code redis-server} and {@code redis-cli}, on loopback ports of its own, in a temporary folder
 * of its own. Started once per JVM when first asked for (the gate contract's jqwik properties run
 * outside JUnit's class lifecycle), stopped by a shutdown hook that kills the three processes it
 * started, by their PIDs, and nothing else.
 */
public final class OwnRedisCluster {

    private static final String SERVER = "/usr/bin/redis-server";
    private static final String CLI = "/usr/bin/redis-cli";
    private static OwnRedisCluster running;

    private final List<Integer> ports;
    private final List<Process> processes;

    private OwnRedisCluster(List<Integer> ports, List<Process> processes) {
        this.ports = ports;
        this.processes = processes;
    }

    /** Whether this machine has the Redis binaries the cluster is made of. */
    public static boolean available() {
        return Files.isExecutable(Path.of(SERVER)) && Files.isExecutable(Path.of(CLI));
    }

    /** The cluster, started on first use and kept for the rest of this JVM. */
    public static synchronized OwnRedisCluster get() {
        if (running == null) {
            running = start();
            OwnRedisCluster stopping = running;
            Runtime.getRuntime().addShutdownHook(new Thread(stopping::kill));
        }
        return running;
    }

    /** The seed nodes, as the Redis client takes them: {@code redis://127.0.0.1:port} each. */
    public List<String> urls() {
        return ports.stream().map(p -> "redis://127.0.0.1:" + p).toList();
    }

    /** The three processes' ids, the only ones this class ever signals. */
    public List<Long> pids() {
        return processes.stream().map(Process::pid).toList();
    }

    private static OwnRedisCluster start() {
        try {
            Path dir = Files.createTempDirectory("orderly-redis-cluster");
            List<Integer> ports = new ArrayList<>();
            List<Process> processes = new ArrayList<>();
            OwnRedisCluster cluster = new OwnRedisCluster(ports, processes);
            try {
                while (ports.size() < 3) {
                    ports.add(portWithFreeBus(ports));
                }
                for (int port : ports) {
                    Path home = Files.createDirectories(dir.resolve(Integer.toString(port)));
                    processes.add(new ProcessBuilder(List.of(SERVER, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                            "--cluster-enabled", "yes", "--cluster-config-file", home.resolve("nodes.conf").toString(),
                            "--cluster-node-timeout", "5000", "--save", "", "--appendonly", "no", "--dir", home.toString()))
                            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("redis.log").toFile()))
                            .start());
                }
                for (int port : ports) {
                    OwnProcess.await("redis-server answers PING on port " + port, OwnProcess.STARTS_WITHIN, () -> TestRedis.answersPing(port));
                }
                List<String> create = new ArrayList<>(List.of(CLI, "--cluster", "create"));
                ports.forEach(p -> create.add("127.0.0.1:" + p));
                create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
                OwnProcess.run(dir.resolve("create.log"), null, create);
                for (int port : ports) {
                    OwnProcess.await("the cluster is ok as seen from port " + port, OwnProcess.STARTS_WITHIN,
                            () -> info(port).contains("cluster_state:ok") && info(port).contains("cluster_known_nodes:3"));
                }
                return cluster;
            } catch (RuntimeException e) {
                cluster.kill();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void kill() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** A free port whose cluster bus port (+10000) is free too. */
    @SuppressWarnings("try") // the probe socket only holds the bus port while it is checked
    private static int portWithFreeBus(List<Integer> taken) {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = OwnProcess.freePort();
            if (port + 10_000 > 65_535 || taken.contains(port)) {
                continue;
            }
            try (ServerSocket bus = new ServerSocket(port + 10_000)) {
                return port;
            } catch (IOException busy) {
                // try another
            }
        }
        throw new IllegalStateException("no free port with a free cluster bus port found");
    }

    /** CLUSTER INFO of the node on {@code port}, or empty while it does not answer. */
    private static String info(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write("CLUSTER INFO\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            StringBuilder text = new StringBuilder();
            int n;
            while (!text.toString().contains("cluster_stats_messages") && (n = in.read(buf)) > 0) {
                text.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
            }
            return text.toString();
        } catch (IOException e) {
            return "";
        }
    }
}
