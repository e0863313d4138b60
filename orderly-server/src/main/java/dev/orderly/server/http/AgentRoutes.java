package dev.orderly.server.http;

import dev.orderly.identity.Claim;
import dev.orderly.problem.ProblemType;
import dev.orderly.registry.Person;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The call centre, under {@code /api/operator/agent/} (role agent, and operator): find a caller
 * in the registry (masked answer), send them a consent code, confirm with the code they read out,
 * then for 15 minutes see their eligibility and reservation and book, change or cancel for them.
 *
 * <p>The assisted session is bound to the agent's staff session (a digest of its cookie, or of the
 * machine token), so it ends when the agent signs out and is no use to any other session. Bookings
 * and changes go through {@link BookingRoutes} (same store, rules, capacity and idempotency as a
 * citizen's) with a pass of the agent gate ({@value #AGENT_GATE}), keyed by the agent: the call
 * centre has a line of its own, admitted at the rate the operator sets, so it neither jumps the
 * online line nor waits behind it. Every request is in the audit log under the agent's login,
 * lookups and code sends included; the entries name residents by registry id only.
 */
final class AgentRoutes {

    /** The call centre's gate: keyed by agent ({@code agent:<login>}), joined only through {@link #joinLine}. */
    static final String AGENT_GATE = "agent";
    private static final String BASE = "/api/operator/agent";
    private static final Pattern CHALLENGE_ID = Pattern.compile("[A-Za-z0-9_-]{8,128}");

    private final HttpApi api;
    private final Assisting assisting;
    private final BookingRoutes bookings;
    private final GateRoutes gates;
    private final RateLimits limits;

    AgentRoutes(HttpApi api, Assisting assisting, BookingRoutes bookings, GateRoutes gates, RateLimits limits) {
        this.api = api;
        this.assisting = assisting;
        this.bookings = bookings;
        this.gates = gates;
        this.limits = limits;
    }

    void mount(Router router) {
        // Signing out ends the assisted session with the staff session (before StaffRoutes answers).
        router.post("/api/staff/sign-out").handler(this::endOnSignOut);
        router.post(BASE + "/residents/lookup").handler(this::lookup);
        router.post(BASE + "/challenges").handler(this::sendCode);
        router.post(BASE + "/challenges/:id/verify").handler(this::verify);
        router.get(BASE + "/session").handler(ctx -> withResident(ctx, "agent.view", (p, a) ->
                Reply.json(200, assisting.status(p, a.session()))));
        router.delete(BASE + "/session").handler(this::end);
        router.get(BASE + "/clinics").handler(this::clinics);
        router.post(BASE + "/gate/join").handler(this::joinLine);
        router.post(BASE + "/reservations").handler(this::book);
        router.put(BASE + "/reservations").handler(this::moveDose1);
        router.put(BASE + "/reservations/dose2").handler(this::moveDose2);
        router.delete(BASE + "/reservations").handler(this::cancel);
    }

    /**
     * What ties an assisted session to the agent's staff session: a digest of the staff cookie (or
     * of the machine token's header), never the secret itself.
     */
    static String binding(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header != null) {
            return "token:" + sha256(header);
        }
        Cookie c = ctx.request().getCookie(StaffRoutes.COOKIE);
        return "staff:" + sha256(c == null ? "" : c.getValue());
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static String actor(RoutingContext ctx) {
        return "agent:" + Actor.of(ctx).login();
    }

    private static String target(Optional<Person> p) {
        return p.map(x -> "resident:" + x.id()).orElse("resident:none");
    }

    /** What the audit keeps of an answer: its status, its problem, the reservation reference; no personal data. */
    static JsonObject outcome(Reply r) {
        JsonObject o = new JsonObject().put("status", r.status());
        if (r.body() instanceof JsonObject body) {
            if (r.problem()) {
                o.put("problem", ProblemType.ofType(body.getString("type")).map(ProblemType::slug).orElse(body.getString("type")));
            } else if (body.containsKey("reference")) {
                o.put("reference", body.getString("reference"));
            } else if (body.getJsonObject("reservation") != null) {
                o.put("reference", body.getJsonObject("reservation").getString("reference"));
            }
        }
        return o;
    }

    /** An answer and the resident it was about, for the audit entry. */
    private record Done(Reply reply, String target, Object before) {
    }

    /** Runs {@code work} off the event loop and records it in the audit log under the agent, whatever its outcome. */
    private void audited(RoutingContext ctx, String action, Supplier<Done> work) {
        api.run(ctx, () -> {
            Done d = work.get();
            api.audit().record(ctx, action, d.target(), d.before(), outcome(d.reply()));
            return d.reply();
        });
    }

    private void lookup(RoutingContext ctx) {
        Claim claim = Assisting.claim(ctx);
        audited(ctx, "agent.lookup", () -> {
            Optional<Person> found = assisting.match(claim);
            return new Done(found.map(p -> Reply.json(200, new JsonObject().put("resident", Assisting.masked(p))))
                    .orElseGet(IdentityRoutes::noMatch), target(found), null);
        });
    }

    private void sendCode(RoutingContext ctx) {
        Claim claim = Assisting.claim(ctx);
        // The per-phone limit of citizens' codes; the daily caps per resident and phone come with the challenge itself.
        api.unlessLimited(ctx, limits.challengeForPhone(claim.phone().orElseThrow()), () -> sendCode(ctx, claim));
    }

    private void sendCode(RoutingContext ctx, Claim claim) {
        String binding = binding(ctx);
        String actor = actor(ctx);
        audited(ctx, "agent.code.send", () -> {
            Optional<Person> found = assisting.match(claim);
            if (found.isEmpty()) {
                return new Done(IdentityRoutes.noMatch(), target(found), null);
            }
            return new Done(assisting.sendCode(binding, actor, found.get(), claim, "콜센터 상담원", "a call-centre agent"),
                    target(found), null);
        });
    }

    private void verify(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        String code = Assisting.code(ctx);
        if (!CHALLENGE_ID.matcher(id).matches()) {
            api.send(ctx, Reply.problem(ProblemType.UNKNOWN_CHALLENGE, "send a new code"));
            return;
        }
        api.unlessLimited(ctx, limits.verifyForChallenge("agent:" + id), () -> checkCode(ctx, id, code));
    }

    private void checkCode(RoutingContext ctx, String id, String code) {
        String binding = binding(ctx);
        audited(ctx, "agent.code.verify", () -> {
            Assisting.Confirmed c = assisting.confirm(binding, id, code);
            String target = c.resident().isPresent() ? target(c.resident())
                    : assisting.parts().sessions().awaiting(binding, id).map(a -> "resident:" + a.personId()).orElse("resident:none");
            return new Done(c.reply(), target, null);
        });
    }

    private void end(RoutingContext ctx) {
        String binding = binding(ctx);
        audited(ctx, "agent.end", () -> {
            Assisting.Acting acting = assisting.acting(binding);
            assisting.parts().sessions().end(binding);
            return new Done(new Reply(204, null, false, new java.util.ArrayList<>(), new java.util.ArrayList<>()),
                    target(acting.resident()), null);
        });
    }

    private void endOnSignOut(RoutingContext ctx) {
        Cookie c = ctx.request().getCookie(StaffRoutes.COOKIE);
        if (c == null) {
            ctx.next();
            return;
        }
        String binding = "staff:" + sha256(c.getValue());
        Context context = Vertx.currentContext();
        api.blockingWork().execute(() -> {
            try {
                assisting.parts().sessions().end(binding);
            } catch (RuntimeException e) {
                context.runOnContext(v -> ctx.fail(e));
                return;
            }
            context.runOnContext(v -> ctx.next());
        });
    }

    /** What an agent does once a resident is confirmed: the request's resident and session. */
    private interface ForResident {
        Reply apply(Person resident, Assisting.Acting acting);
    }

    private void withResident(RoutingContext ctx, String action, ForResident work) {
        String binding = binding(ctx);
        audited(ctx, action, () -> {
            Assisting.Acting acting = assisting.acting(binding);
            if (acting.resident().isEmpty()) {
                return new Done(acting.refusal(), "resident:none", null);
            }
            Person p = acting.resident().get();
            Object before = assisting.reservationState(p);
            return new Done(work.apply(p, acting), target(acting.resident()), before);
        });
    }

    private void clinics(RoutingContext ctx) {
        String binding = binding(ctx);
        // The search reads what the resident may book; the audit says who looked, for whom.
        bookings.searchClinics(ctx, () -> {
            Assisting.Acting acting = assisting.acting(binding);
            api.audit().record(ctx, "agent.search", target(acting.resident()), null,
                    new JsonObject().put("query", ctx.request().query() == null ? "" : ctx.request().query()));
            return acting.resident();
        });
    }

    private void joinLine(RoutingContext ctx) {
        String holder = actor(ctx);
        String browser = api.bindingBrowser(ctx);
        audited(ctx, "agent.line.join", () -> new Done(gates.joinAs(AGENT_GATE, browser, holder), "gate:" + AGENT_GATE, null));
    }

    private void book(RoutingContext ctx) {
        String key = BookingRoutes.idempotencyKey(ctx);
        BookingRoutes.Place place = BookingRoutes.Place.of(ctx);
        String actor = actor(ctx);
        withResident(ctx, "agent.book", (p, a) -> {
            BookingRoutes.Booked b = bookings.bookFor(ctx, p, AGENT_GATE, actor, place, key);
            assisting.recordIfDone(p, actor, b.outcome());
            return b.reply();
        });
    }

    private void moveDose1(RoutingContext ctx) {
        String key = BookingRoutes.idempotencyKey(ctx);
        BookingRoutes.Place place = BookingRoutes.Place.of(ctx);
        change(ctx, "agent.change", key, p -> bookings.dose1(p, place, key));
    }

    private void moveDose2(RoutingContext ctx) {
        String key = BookingRoutes.idempotencyKey(ctx);
        LocalDate day = BookingRoutes.dose2Day(ctx);
        change(ctx, "agent.change-dose2", key, p -> bookings.dose2(p, day, key));
    }

    private void change(RoutingContext ctx, String action, String key,
                        Function<Person, Supplier<dev.orderly.booking.ChangeOutcome>> change) {
        String actor = actor(ctx);
        withResident(ctx, action, (p, a) -> {
            BookingRoutes.Changed c = bookings.changeFor(ctx, p, AGENT_GATE, actor, key, change.apply(p));
            assisting.recordIfDone(p, actor, c.outcome());
            return c.reply();
        });
    }

    private void cancel(RoutingContext ctx) {
        String key = BookingRoutes.idempotencyKey(ctx);
        String actor = actor(ctx);
        withResident(ctx, "agent.cancel", (p, a) -> {
            BookingRoutes.Cancelled c = bookings.cancelFor(ctx, p, key);
            assisting.recordIfDone(p, actor, c.outcome());
            return c.reply();
        });
    }
}
