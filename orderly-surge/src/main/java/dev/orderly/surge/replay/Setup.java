package dev.orderly.surge.replay;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The few blocking calls before and after a run (checks, residents, gate settings, integrity),
 * made with the JDK's client so that they stay out of the run's figures.
 */
public final class Setup {
    /** A target that cannot be used; the message says why and what to do. */
    public static final class Unusable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unusable(String message) {
            super(message);
        }
    }

    /** A resident of the open cohort, as the dev route lists them. */
    public record Resident(String name, String birthDate, String phone) {
    }

    /** When a gate takes joins and when it opens, as the server says ({@code GET /api/gates/{gate}}). */
    record GateTimes(Instant joinFrom, Instant opensAt) {
    }

    public record Reply(int status, String body) {
        public JsonObject json() {
            return new JsonObject(body);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI target;
    private final String operatorToken;

    public Setup(URI target, String operatorToken) {
        this.target = target;
        this.operatorToken = operatorToken;
    }

    public Reply call(String method, String path, JsonObject body, boolean operator) {
        HttpRequest.Builder b = HttpRequest.newBuilder(target.resolve(path)).timeout(Duration.ofSeconds(120))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (operator && operatorToken != null) {
            b.header("Authorization", "Bearer " + operatorToken);
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body());
        } catch (ConnectException | HttpTimeoutException e) {
            throw new Unusable("cannot reach " + target + " (" + e.getClass().getSimpleName() + "): is Orderly running there?");
        } catch (IOException e) {
            throw new Unusable("cannot reach " + target + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unusable("interrupted");
        }
    }

    /** Refuses a target that does not answer, or is not a demo deployment. */
    public void checkDemo() {
        Reply health = call("GET", "/health", null, false);
        if (health.status() != 200) {
            throw new Unusable(target + "/health answered " + health.status() + ": is this an Orderly node?");
        }
        Reply dev = call("GET", "/api/dev/residents?count=1", null, false);
        if (dev.status() == 404) {
            throw new Unusable(target + " is not a demo deployment (no /api/dev routes): the replay needs residents "
                    + "and the dev SMS inbox; run the server with ORDERLY_DEMO=true (the default)");
        }
        if (dev.status() != 200) {
            throw new Unusable(target + "/api/dev/residents answered " + dev.status() + ": " + dev.body());
        }
    }

    /** Refuses a token the server does not accept. */
    public void checkOperatorToken() {
        Reply r = call("GET", "/api/operator/gates", null, true);
        if (r.status() == 401) {
            throw new Unusable("the operator token was refused by " + target);
        }
    }

    /** {@code count} residents of the open cohort from {@code offset}; fewer if the server has fewer. */
    public List<Resident> residents(int count, int offset) {
        List<Resident> residents = new ArrayList<>(count);
        while (residents.size() < count) {
            int page = Math.min(100_000, count - residents.size());
            Reply r = call("GET", "/api/dev/residents?count=" + page + "&offset=" + (offset + residents.size()), null, false);
            if (r.status() != 200) {
                throw new Unusable("listing residents answered " + r.status() + ": " + r.body());
            }
            JsonArray a = new JsonArray(r.body());
            for (int i = 0; i < a.size(); i++) {
                JsonObject o = a.getJsonObject(i);
                residents.add(new Resident(o.getString("name"), o.getString("birthDate"), o.getString("phone")));
            }
            if (a.size() < page) {
                break;
            }
        }
        return residents;
    }

    /** The gate's pre-queue start and opening, or null when the server does not tell (an older server, an unknown gate). */
    GateTimes gateTimes(String gate) {
        Reply r = call("GET", "/api/gates/" + gate, null, false);
        if (r.status() != 200) {
            return null;
        }
        JsonObject o = r.json();
        String joinFrom = o.getString("joinFrom");
        String opensAt = o.getString("opensAt");
        if (joinFrom == null || opensAt == null) {
            return null;
        }
        try {
            return new GateTimes(Instant.parse(joinFrom), Instant.parse(opensAt));
        } catch (DateTimeParseException e) {
            throw new Unusable(target + "/api/gates/" + gate + " answered times that do not parse: " + r.body());
        }
    }

    /** Every district of every province, as {@code province, district} pairs: where a browser's search looks. */
    public List<String[]> districts() {
        Reply r = call("GET", "/api/regions", null, false);
        List<String[]> districts = new ArrayList<>();
        if (r.status() == 200) {
            new JsonArray(r.body()).forEach(o -> {
                JsonObject region = (JsonObject) o;
                region.getJsonArray("districts", new JsonArray()).forEach(d -> districts.add(new String[] {region.getString("province"), (String) d}));
            });
        }
        if (districts.isEmpty()) {
            throw new Unusable("/api/regions answered " + r.status() + " with no district: demo data missing?");
        }
        return districts;
    }

    public List<String> provinces() {
        Reply r = call("GET", "/api/regions", null, false);
        List<String> provinces = new ArrayList<>();
        if (r.status() == 200) {
            new JsonArray(r.body()).forEach(o -> provinces.add(((JsonObject) o).getString("province")));
        }
        if (provinces.isEmpty()) {
            throw new Unusable("/api/regions answered " + r.status() + " with no province: demo data missing?");
        }
        return provinces;
    }
}
