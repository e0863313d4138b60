package dev.orderly.server;

import com.sun.net.httpserver.HttpServer;
import dev.orderly.server.fhir.FhirJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.hl7.fhir.r4.model.Bundle;

/**
 * A registry's FHIR endpoint for tests, in process: records every Bundle POSTed to it, and answers
 * 503 on demand (down, or the first attempt of each Bundle), so retries and order can be checked.
 */
final class FhirEndpointRecorder implements AutoCloseable {

    /** One POST received, and whether it was answered 200. */
    record Received(Bundle bundle, String body, boolean accepted) {
        String eventId() {
            return bundle.getIdentifier().getValue();
        }
    }

    private final HttpServer server;
    private final List<Received> received = new ArrayList<>();
    private final Set<String> seen = new HashSet<>();
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicBoolean refuseFirstAttempts = new AtomicBoolean();

    FhirEndpointRecorder() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/fhir", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Bundle bundle = FhirJson.parser().parseResource(Bundle.class, body);
            boolean accept;
            synchronized (this) {
                boolean first = seen.add(bundle.getIdentifier().getValue());
                accept = !down.get() && !(refuseFirstAttempts.get() && first);
                received.add(new Received(bundle, body, accept));
            }
            byte[] answer = (accept ? "{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\"}"
                    : "{\"resourceType\":\"OperationOutcome\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
            exchange.sendResponseHeaders(accept ? 200 : 503, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/fhir";
    }

    void down(boolean on) {
        down.set(on);
    }

    void refuseFirstAttempts(boolean on) {
        refuseFirstAttempts.set(on);
    }

    synchronized List<Received> received() {
        return List.copyOf(received);
    }

    synchronized List<Received> accepted() {
        return received.stream().filter(Received::accepted).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
