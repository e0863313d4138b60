package dev.orderly.server.watch;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** A webhook receiver in the test's process: records every JSON body POSTed to it, with when it came. */
final class WebhookReceiver implements AutoCloseable {

    record Received(long nanos, JsonObject body) {
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile int status = 200;

    WebhookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int answer = status;
            if (answer / 100 == 2) {
                received.add(new Received(System.nanoTime(), new JsonObject(body)));
            }
            exchange.sendResponseHeaders(answer, -1);
            exchange.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** Answers {@code status} from now on (a receiver that is down answers 503). */
    void answer(int status) {
        this.status = status;
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    /** The first body matching {@code which}, polling until {@code within} has passed. */
    Optional<Received> await(Predicate<JsonObject> which, Duration within, Runnable meanwhile) {
        long until = System.nanoTime() + within.toNanos();
        while (System.nanoTime() - until < 0) {
            Optional<Received> r = received.stream().filter(x -> which.test(x.body())).findFirst();
            if (r.isPresent()) {
                return r;
            }
            meanwhile.run();
        }
        return received.stream().filter(x -> which.test(x.body())).findFirst();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
