package dev.orderly.surge.walk;

import dev.orderly.problem.ProblemType;
import dev.orderly.surge.replay.Browser;
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

/**
 * The walk's HTTP side: one keep-alive pool to one node, every answer timed into the current
 * phase's {@link StepLatencies}, the browser's cookies sent and its {@code Set-Cookie} taken in.
 */
final class WalkHttp {
    /** An answer; status 0 when none came. */
    record Answer(int status, Buffer body, MultiMap headers) {
        JsonObject json() {
            try {
                return body == null || body.length() == 0 ? new JsonObject() : new JsonObject(body);
            } catch (RuntimeException e) {
                return new JsonObject();
            }
        }

        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** Whether this is a problem answer of {@code type} (its document names the type, its status is the type's). */
        boolean is(ProblemType type) {
            return ProblemType.ofSlug(problem()).filter(t -> t == type && t.status() == status).isPresent();
        }

        /** The problem slug of a problem answer, or null. */
        String problem() {
            String type = status >= 400 ? json().getString("type") : null;
            return type == null ? null : type.substring(type.lastIndexOf('/') + 1);
        }
    }

    private final HttpClientAgent client;
    private final URI target;
    StepLatencies stats;

    WalkHttp(Vertx vertx, URI target, int connections, StepLatencies stats) {
        this.target = target;
        this.stats = stats;
        this.client = vertx.httpClientBuilder()
                .with(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5_000).setIdleTimeout(60))
                .with(new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1))
                .build();
    }

    Future<Answer> send(Step step, HttpMethod method, String path, Browser browser, JsonObject body, String... headers) {
        RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(target.resolve(path).toString())
                .setIdleTimeout(60_000);
        options.putHeader("Accept", "application/json");
        options.putHeader("X-Forwarded-For", browser.address);
        String cookie = browser.cookieHeader();
        if (cookie != null) {
            options.putHeader("Cookie", cookie);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            options.putHeader(headers[i], headers[i + 1]);
        }
        Buffer payload = body != null ? body.toBuffer() : method == HttpMethod.POST ? Buffer.buffer() : null;
        if (body != null) {
            options.putHeader("Content-Type", "application/json");
        }
        long start = System.nanoTime();
        StepLatencies into = stats;
        return client.request(options)
                .compose(req -> payload == null ? req.send() : req.send(payload))
                .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), b, resp.headers())))
                .otherwise(e -> new Answer(0, null, null))
                .map(a -> {
                    into.record(step, (System.nanoTime() - start) / 1_000);
                    if (a.headers() != null) {
                        browser.absorb(a.headers().getAll("Set-Cookie"));
                    }
                    return a;
                });
    }

    Future<Void> close() {
        return client.close();
    }
}
