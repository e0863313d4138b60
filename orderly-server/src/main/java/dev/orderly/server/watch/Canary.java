package dev.orderly.server.watch;

import dev.orderly.booking.BookingService;
import dev.orderly.eligibility.Cohort;
import dev.orderly.eligibility.CohortStore;
import dev.orderly.eligibility.Eligibility;
import dev.orderly.eligibility.EligibilityRules;
import dev.orderly.registry.Person;
import dev.orderly.registry.ResidentRegistry;
import dev.orderly.watch.CanaryLanes;
import dev.orderly.watch.SyntheticResidents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A synthetic resident who walks the whole flow through this node's public HTTP API every
 * {@link #EVERY}: join the identity line and wait, ask for a code, read it from the SMS path,
 * verify, check eligibility, join the booking line and wait, search, book, cancel. Each step is
 * timed ({@code orderly.canary.step}); a walk that fails counts toward the canary alert (two in a
 * row), and after a failure the next walk comes sooner ({@link #AFTER_FAILURE}).
 *
 * <p>Not one of the people: every request carries the node's canary secret, so it goes through
 * the canary's own lanes ({@link CanaryLanes}: no real person is pushed back), is counted in no
 * meter, and its resident is flagged synthetic (no tally, sample or message includes it). The
 * booking is cancelled at once; a walk that stopped between booking and cancelling is cleaned up
 * by the next one before it starts.
 *
 * <p>A walk with nothing to book is skipped, not failed: no cohort open now (between rounds, at
 * night), or no capacity left in any region. A mis-set window therefore does not fail the canary;
 * the booking-stalled and refusals rules catch that one.
 */
public final class Canary implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Canary.class);
    public static final Duration EVERY = Duration.ofMinutes(1);
    static final Duration AFTER_FAILURE = Duration.ofSeconds(20);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration LINE_PATIENCE = Duration.ofSeconds(20);
    private static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");
    private static final ZoneId SEOUL = ZoneId.of("Asia/Seoul");

    /** What a walk came to. */
    public sealed interface Walk {
    }

    public record Passed(Duration took) implements Walk {
    }

    public record Skipped(String why) implements Walk {
    }

    public record Failed(String step, String why) implements Walk {
    }

    /** The parts the canary uses; {@code smsTo} answers the text of the latest message to a phone. */
    public record Parts(IntSupplier port, String secret, Function<String, Optional<String>> smsTo, SyntheticResidents residents,
                        ResidentRegistry registry, CohortStore cohorts, BookingService booking, MeterRegistry meters, int slotOffset) {
    }

    private final Vertx vertx;
    private final Parts parts;
    private final Clock clock;
    private final Executor blocking;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(REQUEST_TIMEOUT).build();
    private final Map<String, Timer> steps = new ConcurrentHashMap<>();
    private volatile int failuresInARow;
    private volatile Walk last;
    private volatile boolean closed;
    private long timer = -1;

    public Canary(Vertx vertx, Parts parts, Clock clock, Executor blocking) {
        this.vertx = vertx;
        this.parts = parts;
        this.clock = clock;
        this.blocking = blocking;
        Gauge.builder("orderly.canary.failures.in.a.row", () -> failuresInARow)
                .description("how many of this node's last canary walks failed in a row").register(parts.meters());
    }

    /** Walks the first time after {@code first}, then every {@link #EVERY} (sooner after a failure). */
    public void start(Duration first) {
        schedule(first);
    }

    private synchronized void schedule(Duration after) {
        if (closed) {
            return;
        }
        timer = vertx.setTimer(Math.max(1, after.toMillis()), id -> {
            try {
                blocking.execute(() -> {
                    Walk w = walkOnce();
                    schedule(w instanceof Failed ? AFTER_FAILURE : EVERY);
                });
            } catch (RejectedExecutionException closing) {
                // The node is stopping.
            }
        });
    }

    /** This node's level for the node board: its canary's failures in a row. */
    public Map<String, Double> levels() {
        return Map.of(DeploymentCounts.CANARY_FAILURES, (double) failuresInARow);
    }

    public Optional<Walk> last() {
        return Optional.ofNullable(last);
    }

    /** One walk, recorded in the meters and the failure count; public for tests that drive it. */
    public Walk walkOnce() {
        long start = System.nanoTime();
        Walk w;
        try {
            w = walk();
        } catch (StepFailed e) {
            w = new Failed(e.step, e.getMessage());
        } catch (RuntimeException e) {
            w = new Failed("walk", e.toString());
        }
        String outcome = switch (w) {
            case Passed p -> "passed";
            case Skipped s -> "skipped";
            case Failed f -> "failed";
        };
        if (w instanceof Failed f) {
            failuresInARow++;
            LOG.warn("canary walk failed at {} ({} in a row): {}", f.step(), failuresInARow, f.why());
        } else {
            failuresInARow = 0;
            if (w instanceof Skipped s) {
                LOG.debug("canary walk skipped: {}", s.why());
            }
        }
        Counter.builder("orderly.canary.walks").tag("outcome", outcome).description("canary walks by outcome").register(parts.meters())
                .increment();
        Timer.builder("orderly.canary.walk").tag("outcome", outcome).description("how long a whole canary walk took")
                .register(parts.meters()).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        last = w;
        return w;
    }

    private Walk walk() {
        long start = System.nanoTime();
        Instant now = clock.instant();
        step("cleanup", () -> {
            for (long id : parts.residents().holdingReservations()) {
                parts.registry().byId(id).ifPresent(p -> parts.booking().cancel(p));
            }
            return null;
        });
        Optional<LocalDate> born = eligibleBirthDate(now);
        if (born.isEmpty()) {
            return new Skipped("no cohort is open for booking now");
        }
        int slot = Math.floorMod(now.atZone(SEOUL).toLocalTime().toSecondOfDay() / 60 + parts.slotOffset(), SyntheticResidents.SLOTS);
        Person me = step("resident", () -> parts.residents().prepare(slot, born.get()));
        Browser b = new Browser();

        waitInLine(b, CanaryLanes.lane("identity"), "join", "wait");
        JsonObject challenge = step("challenge", () -> b.expect(201, b.post("/api/identity/challenges", new JsonObject()
                .put("name", me.name()).put("birthDate", me.birthDate().toString()).put("phone", me.phone()))));
        String code = step("code", () -> {
            Matcher m = CODE.matcher(parts.smsTo().apply(me.phone()).orElseThrow(() -> new IllegalStateException("no SMS to the canary")));
            if (!m.find()) {
                throw new IllegalStateException("no code in the canary's SMS");
            }
            return m.group(1);
        });
        step("verify", () -> b.expect(200, b.post("/api/identity/challenges/" + challenge.getString("challengeId") + "/verify",
                new JsonObject().put("code", code))));
        JsonObject mine = step("eligibility", () -> {
            JsonObject m = b.expect(200, b.get("/api/me"));
            if (!m.getJsonObject("eligibility", new JsonObject()).getBoolean("eligible", false)) {
                throw new IllegalStateException("not eligible after verifying: " + m.getJsonObject("eligibility"));
            }
            return m;
        });
        String day = mine.getString("firstBookableDay");
        waitInLine(b, CanaryLanes.lane("booking"), "booking-line", "booking-wait");
        Optional<JsonObject> choice = step("search", () -> search(b, day));
        if (choice.isEmpty()) {
            b.post("/api/identity/logout", null);
            return new Skipped("no capacity left on " + day + " in any region");
        }
        step("book", () -> b.expect(201, b.post("/api/reservations", choice.get(), "Idempotency-Key", "canary-" + now.toEpochMilli())));
        step("cancel", () -> b.expect(200, b.delete("/api/reservations/mine")));
        b.post("/api/identity/logout", null);
        return new Passed(Duration.ofNanos(System.nanoTime() - start));
    }

    /** A birth date an open cohort covers and may book today (rotation included); empty when none. */
    private Optional<LocalDate> eligibleBirthDate(Instant now) {
        List<Cohort> cohorts = parts.cohorts().all();
        for (Cohort c : cohorts) {
            if (c.specialGroup().isPresent()) {
                continue;
            }
            // Ten days in a row cover every last digit a rotation can ask for.
            for (LocalDate d = c.bornFrom(); !d.isAfter(c.bornTo()) && d.isBefore(c.bornFrom().plusDays(10)); d = d.plusDays(1)) {
                Person probe = new Person(0, "canary", d, SyntheticResidents.phone(0));
                if (EligibilityRules.check(probe, cohorts, now) instanceof Eligibility.Eligible) {
                    return Optional.of(d);
                }
            }
        }
        return Optional.empty();
    }

    private Optional<JsonObject> search(Browser b, String day) {
        JsonArray regions = b.expectArray(200, b.get("/api/regions"));
        for (Object r : regions) {
            String province = ((JsonObject) r).getString("province");
            JsonObject found = b.expect(200, b.get("/api/clinics?province=" + URLEncoder.encode(province, StandardCharsets.UTF_8)));
            for (Object c : found.getJsonArray("clinics", new JsonArray())) {
                JsonObject clinic = (JsonObject) c;
                for (Object d : clinic.getJsonArray("days", new JsonArray())) {
                    JsonObject slot = (JsonObject) d;
                    if (day.equals(slot.getString("day")) && slot.getInteger("remaining", 0) > 0) {
                        return Optional.of(new JsonObject().put("clinicId", clinic.getLong("id")).put("day", day)
                                .put("product", slot.getString("product")));
                    }
                }
            }
        }
        return Optional.empty();
    }

    private void waitInLine(Browser b, String lane, String joinStep, String waitStep) {
        JsonObject joined = step(joinStep, () -> {
            HttpResponse<String> r = b.post("/api/gates/" + lane + "/join", null);
            return b.expect(r.statusCode() == 200 ? 200 : 201, r);
        });
        step(waitStep, () -> {
            JsonObject status = joined;
            long until = System.nanoTime() + LINE_PATIENCE.toNanos();
            while (!"admitted".equals(status.getString("state"))) {
                if (System.nanoTime() - until > 0) {
                    throw new IllegalStateException("not admitted within " + LINE_PATIENCE.toSeconds() + " s: " + status.encode());
                }
                LockSupport.parkNanos(Duration.ofMillis(Math.max(100, Math.min(1000, status.getLong("pollAfterMs", 200L)))).toNanos());
                status = b.expect(200, b.get("/api/gates/" + lane + "/status"));
            }
            return status;
        });
    }

    private <T> T step(String name, java.util.function.Supplier<T> work) {
        long start = System.nanoTime();
        boolean ok = false;
        try {
            T result = work.get();
            ok = true;
            return result;
        } catch (StepFailed e) {
            throw e;
        } catch (RuntimeException e) {
            throw new StepFailed(name, e.getMessage() == null ? e.toString() : e.getMessage());
        } finally {
            steps.computeIfAbsent(name + "|" + ok, k -> Timer.builder("orderly.canary.step").tag("step", name).tag("ok", Boolean.toString(k.endsWith("true")))
                    .description("how long each step of the canary's walk took").register(parts.meters()))
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private static final class StepFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String step;

        StepFailed(String step, String message) {
            super(message);
            this.step = step;
        }
    }

    /**
     * The canary's browser: its own cookies (kept by hand, so a Secure cookie still goes back over
     * the plain loopback connection), the canary secret on every request.
     */
    private final class Browser {
        private final Map<String, String> cookies = new ConcurrentHashMap<>();

        HttpResponse<String> get(String path) {
            return send(request(path).GET());
        }

        HttpResponse<String> delete(String path) {
            return send(request(path).DELETE());
        }

        HttpResponse<String> post(String path, JsonObject body, String... headers) {
            HttpRequest.Builder r = request(path).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body.encode()));
            for (int i = 0; i + 1 < headers.length; i += 2) {
                r.header(headers[i], headers[i + 1]);
            }
            return send(r);
        }

        private HttpRequest.Builder request(String path) {
            HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + parts.port().getAsInt() + path))
                    .timeout(REQUEST_TIMEOUT).header(CanaryLanes.HEADER, parts.secret());
            if (!cookies.isEmpty()) {
                r.header("Cookie", String.join("; ", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
            }
            return r;
        }

        private HttpResponse<String> send(HttpRequest.Builder r) {
            try {
                HttpResponse<String> answer = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
                for (String set : answer.headers().allValues("Set-Cookie")) {
                    String pair = set.split(";", 2)[0];
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        String value = pair.substring(eq + 1);
                        if (value.isEmpty() || set.toLowerCase(java.util.Locale.ROOT).contains("max-age=0")) {
                            cookies.remove(pair.substring(0, eq));
                        } else {
                            cookies.put(pair.substring(0, eq), value);
                        }
                    }
                }
                return answer;
            } catch (IOException e) {
                throw new IllegalStateException("request failed: " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }

        JsonObject expect(int status, HttpResponse<String> r) {
            check(status, r);
            return r.body().isEmpty() ? new JsonObject() : new JsonObject(r.body());
        }

        JsonArray expectArray(int status, HttpResponse<String> r) {
            check(status, r);
            return new JsonArray(r.body());
        }

        private void check(int status, HttpResponse<String> r) {
            if (r.statusCode() != status) {
                String body = r.body();
                throw new IllegalStateException(r.request().method() + " " + r.request().uri().getPath() + " answered " + r.statusCode()
                        + (body.length() > 300 ? " " + body.substring(0, 300) : " " + body));
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}
