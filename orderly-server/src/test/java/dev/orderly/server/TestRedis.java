package dev.orderly.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import redis.embedded.RedisServer;

/**
 * A Redis for tests: the local server at 127.0.0.1:6379 when one answers PING, otherwise one
 * embedded Redis (from the {@code embedded-redis} artifact) started for the whole test run.
 * {@code ORDERLY_TEST_REDIS=embedded} forces the embedded one. Tests keep apart by key prefix.
 */
public final class TestRedis {

    private static String url;
    private static RedisServer embedded;

    private TestRedis() {
    }

    /** The connection string, e.g. {@code redis://127.0.0.1:6379}. */
    @SuppressWarnings("try") // the probe socket is closed early, to free its port for Redis
    public static synchronized String url() {
        if (url != null) {
            return url;
        }
        if (!"embedded".equals(System.getenv("ORDERLY_TEST_REDIS")) && answersPing(6379)) {
            url = "redis://127.0.0.1:6379";
            return url;
        }
        try (ServerSocket free = new ServerSocket(0)) {
            int port = free.getLocalPort();
            free.close();
            embedded = new RedisServer(port);
            embedded.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    embedded.stop();
                } catch (IOException ignored) {
                    // the JVM is going away
                }
            }));
            url = "redis://127.0.0.1:" + port;
            return url;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start an embedded Redis for the tests", e);
        }
    }

    /** Whether a Redis on 127.0.0.1:{@code port} answers PING within a second. */
    public static boolean answersPing(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            s.setSoTimeout(1000);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] buf = new byte[7];
            int n = s.getInputStream().read(buf);
            return n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }
}
