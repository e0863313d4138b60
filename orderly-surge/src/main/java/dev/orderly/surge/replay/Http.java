package dev.orderly.surge.replay;

import dev.orderly.problem.ProblemType;
import dev.orderly.surge.metrics.Endpoint;
import dev.orderly.surge.metrics.RunMetrics;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The replay's HTTP side: one Vert.x client with a keep-alive pool per target, requests spread
 * round-robin over the targets (the nodes share state through Redis and PostgreSQL), every answer
 * timed into {@link RunMetrics}. A browser's cookies go out with its requests and its
 * {@code Set-Cookie} answers come back into its jar; its household's address goes out as
 * {@code X-Forwarded-For}.
 */
final class Http {
    /** An answer from the target at {@code target} (an index); status 0 when none came (connection refused, reset, timed out). */
    record Answer(int status, Buffer body, MultiMap headers, String failure, int target) {
        JsonObject json() {
            try {
                return body == null || body.length() == 0 ? new JsonObject() : new JsonObject(body);
            } catch (RuntimeException e) {
                return new JsonObject();
            }
        }

        /** The problem slug ({@code day-full} for {@code /problems/day-full}), or null. */
        String problem() {
            if (status < 400 || body == null) {
                return null;
            }
            String type = json().getString("type");
            return type == null ? null : type.substring(type.lastIndexOf('/') + 1);
        }

        /** Whether this is a problem answer of {@code type}. */
        boolean is(ProblemType type) {
            return problemType() == type;
        }

        /**
         * The catalogue's type of this problem answer: its document names the type and its status is
         * the type's. Null when it is not a problem, or not one the catalogue knows.
         */
        ProblemType problemType() {
            return ProblemType.ofSlug(problem()).filter(t -> t.status() == status).orElse(null);
        }

        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** {@code Retry-After} in seconds, at least 1. */
        long retryAfterSeconds() {
            String v = headers == null ? null : headers.get("Retry-After");
            try {
                return v == null ? 1 : Math.max(1, Long.parseLong(v.strip()));
            } catch (NumberFormatException e) {
                return 1;
            }
        }
    }

    private final HttpClientAgent client;
    private final List<URI> targets;
    private final RunMetrics metrics;
    private final BooleanSupplier botsActive;
    private final BooleanSupplier stopped;
    private int next;

    Http(Vertx vertx, List<URI> targets, int connectionsPerTarget, RunMetrics metrics, BooleanSupplier botsActive,
            BooleanSupplier stopped) {
        this.stopped = stopped;
        this.targets = List.copyOf(targets);
        this.metrics = metrics;
        this.botsActive = botsActive;
        this.client = vertx.httpClientBuilder()
                .with(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5_000).setIdleTimeout(60))
                .with(new PoolOptions().setHttp1MaxSize(connectionsPerTarget).setMaxWaitQueueSize(-1))
                .build();
    }

    /**
     * Sends a request for {@code browser} (may be null: no cookies, {@code address} only);
     * {@code headers} are name, value pairs. The future never fails: no answer is status 0.
     */
    Future<Answer> send(Endpoint endpoint, HttpMethod method, String path, Browser browser, String address,
            JsonObject body, String... headers) {
        int target = next;
        next = (next + 1) % targets.size();
        return sendTo(target, endpoint, method, path, browser, address, body, headers);
    }

    /** As {@link #send}, to the target at index {@code targetIndex}: for what only that node knows (its dev SMS inbox). */
    Future<Answer> sendTo(int targetIndex, Endpoint endpoint, HttpMethod method, String path, Browser browser, String address,
            JsonObject body, String... headers) {
        URI target = targets.get(targetIndex);
        RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(target.resolve(path).toString())
                .setIdleTimeout(30_000);
        options.putHeader("Accept", "application/json");
        String from = browser != null ? browser.address : address;
        if (from != null) {
            options.putHeader("X-Forwarded-For", from);
        }
        if (browser != null) {
            String cookie = browser.cookieHeader();
            if (cookie != null) {
                options.putHeader("Cookie", cookie);
            }
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            options.putHeader(headers[i], headers[i + 1]);
        }
        Buffer payload = null;
        if (body != null) {
            options.putHeader("Content-Type", "application/json");
            payload = body.toBuffer();
        } else if (method == HttpMethod.POST) {
            payload = Buffer.buffer();
        }
        long start = System.nanoTime();
        Buffer sent = payload;
        return client.request(options)
                .compose(req -> sent == null ? req.send() : req.send(sent))
                .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), b, resp.headers(), null, targetIndex)))
                .otherwise(e -> new Answer(0, null, null, String.valueOf(e.getMessage()), targetIndex))
                .map(a -> {
                    if (stopped.getAsBoolean()) {
                        // The run is over: answers cut off by closing the client are not the server's doing.
                        return a;
                    }
                    long micros = (System.nanoTime() - start) / 1_000;
                    metrics.request(endpoint, a.status(), micros, endpoint.identityGate() && botsActive.getAsBoolean());
                    if (browser != null && a.headers() != null) {
                        browser.absorb(a.headers().getAll("Set-Cookie"));
                    }
                    return a;
                });
    }

    Future<Void> close() {
        return client.close();
    }
}
