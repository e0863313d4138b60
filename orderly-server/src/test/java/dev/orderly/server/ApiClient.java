package dev.orderly.server;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A browser-like HTTP client for tests: keeps cookies, speaks JSON, over a real socket. */
public final class ApiClient {

    /** One answer: status, body text and headers. */
    public record Answer(int status, String body, HttpResponse<String> raw) {

        public JsonObject json() {
            return new JsonObject(body);
        }

        public JsonArray array() {
            return new JsonArray(body);
        }

        public String contentType() {
            return raw.headers().firstValue("Content-Type").orElse("");
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    /**
     * The least any wait here lasts before giving up: on a busy machine (CI, a laptop building
     * something else) a request or an admission can take many seconds, and a deadline only bounds
     * a test that is failing anyway.
     */
    public static final Duration PATIENCE = Duration.ofMinutes(2);

    private final String base;
    private final CookieManager cookies;
    private final HttpClient http;
    private final String bearer;

    public ApiClient(int port) {
        this(port, new CookieManager(), null, null);
    }

    private ApiClient(int port, CookieManager cookies, String bearer, java.net.InetAddress localAddress) {
        this.base = "http://127.0.0.1:" + port;
        this.cookies = cookies;
        this.bearer = bearer;
        HttpClient.Builder builder = HttpClient.newBuilder().cookieHandler(cookies).connectTimeout(PATIENCE);
        if (localAddress != null) {
            builder.localAddress(localAddress);
        }
        this.http = builder.build();
    }

    /**
     * A browser on another machine, as the server sees it: its connections come from
     * {@code localAddress} (any of 127.0.0.0/8 works on Linux loopback).
     */
    public static ApiClient from(String localAddress, int port) {
        try {
            return new ApiClient(port, new CookieManager(), null, java.net.InetAddress.getByName(localAddress));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(localAddress, e);
        }
    }

    /** The same browser sending {@code Authorization: Bearer <token>} with every request (an operator). */
    public ApiClient withBearer(String token) {
        return new ApiClient(Integer.parseInt(base.substring(base.lastIndexOf(':') + 1)), cookies, token, null);
    }

    /** The same browser (same cookies) talking to a server on another port, e.g. after a restart. */
    public ApiClient withPort(int port) {
        // Cookies are scoped by host, not port, so the jar carries over as a browser's would.
        return new ApiClient(port, cookies, bearer, null);
    }

    public CookieManager cookies() {
        return cookies;
    }

    public Answer get(String path, String... headers) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), headers);
    }

    public Answer delete(String path, String... headers) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE(), headers);
    }

    public Answer post(String path, Object json, String... headers) {
        String body = json == null ? "" : json instanceof String s ? s : Json.encode(json);
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)), headers);
    }

    public Answer put(String path, Object json, String... headers) {
        String body = json == null ? "" : json instanceof String s ? s : Json.encode(json);
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)), headers);
    }

    public Answer postRaw(String path, String contentType, String body, String... headers) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)), headers);
    }

    /** A request with any method (PATCH, say) and a JSON body. */
    public Answer send(String method, String path, Object json, String... headers) {
        String body = json == null ? "" : json instanceof String s ? s : Json.encode(json);
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)), headers);
    }

    private Answer send(HttpRequest.Builder request, String... headers) {
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> r = http.send(request.timeout(PATIENCE).build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");

    /** Joins the identity gate and polls (as the server directs) until admitted. */
    public JsonObject waitForIdentityPass(Duration deadline) {
        return waitForPass("identity", deadline, () -> { });
    }

    /** Joins {@code gate} and polls (as the server directs, at most every 200 ms) until admitted. */
    public JsonObject waitForPass(String gate, Duration deadline) {
        return waitForPass(gate, deadline, () -> { });
    }

    /**
     * Joins {@code gate} and polls (as the server directs) until admitted; {@code beforePoll} runs
     * before each poll (a test on a fake clock moves the clock there, so the gate admits). Gives up
     * after {@code deadline}, or {@link #PATIENCE} if that is longer.
     */
    public JsonObject waitForPass(String gate, Duration deadline, Runnable beforePoll) {
        Answer joined = post("/api/gates/" + gate + "/join", null);
        if (joined.status() != 201 && joined.status() != 200) {
            throw new AssertionError("join failed: " + joined.status() + " " + joined.body());
        }
        Duration patience = deadline.compareTo(PATIENCE) > 0 ? deadline : PATIENCE;
        long until = System.nanoTime() + patience.toNanos();
        JsonObject status = joined.json();
        while (!"admitted".equals(status.getString("state"))) {
            if (System.nanoTime() > until) {
                throw new AssertionError("not admitted within " + patience + ": " + status);
            }
            beforePoll.run();
            pause(Math.min(200, status.getLong("pollAfterMs", 100L)));
            Answer a = get("/api/gates/" + gate + "/status");
            if (a.status() != 200) {
                throw new AssertionError("status failed: " + a.status() + " " + a.body());
            }
            status = a.json();
        }
        return status;
    }

    /** Verifies as {@code resident} (name, birthDate, phone) reading the code from the dev inbox. */
    public Answer verifyAs(JsonObject resident) {
        Answer challenge = post("/api/identity/challenges", new JsonObject().put("name", resident.getString("name"))
                .put("birthDate", resident.getString("birthDate")).put("phone", resident.getString("phone")));
        if (challenge.status() != 201) {
            throw new AssertionError("challenge failed: " + challenge.status() + " " + challenge.body());
        }
        return post("/api/identity/challenges/" + challenge.json().getString("challengeId") + "/verify",
                new JsonObject().put("code", newestCode(resident.getString("phone"))));
    }

    /**
     * The code in the newest text to {@code phone} that holds one: the newest text of all, unless
     * another (a booking's confirmation, sent by the relay on its own time) came after the code, as a
     * person would find it among their texts.
     */
    private String newestCode(String phone) {
        String latest = get("/api/dev/sms?phone=" + phone).json().getString("text");
        Matcher newest = CODE.matcher(latest);
        if (newest.find()) {
            return newest.group(1);
        }
        String digits = phone.replaceAll("\\D", "");
        String last4 = digits.substring(digits.length() - 4);
        return get("/api/dev/sms").array().stream().map(JsonObject.class::cast)
                .filter(m -> last4.equals(m.getString("toLast4"))).map(m -> CODE.matcher(m.getString("text")))
                .filter(Matcher::find).map(m -> m.group(1)).findFirst()
                .orElseThrow(() -> new AssertionError("no code in the texts to " + phone + "; the newest: " + latest));
    }

    /** Waits a little between polls; the gate runs on the real clock in these tests. */
    private static void pause(long millis) {
        java.util.concurrent.locks.LockSupport.parkNanos(millis * 1_000_000);
    }
}
