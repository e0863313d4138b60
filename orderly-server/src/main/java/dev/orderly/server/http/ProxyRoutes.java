package dev.orderly.server.http;

import dev.orderly.assist.NameMask;
import dev.orderly.booking.ChangeOutcome;
import dev.orderly.identity.Claim;
import dev.orderly.identity.Sessions;
import dev.orderly.problem.ProblemType;
import dev.orderly.registry.Person;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Booking for a family member, under {@code /api/proxy/}: a verified citizen names another
 * resident (a parent) by name, birth date and phone; a consent code goes to that resident's own
 * phone; with it the citizen may, for 15 minutes, book, change or cancel the parent's reservation.
 * The reservation is the parent's (their person id: one appointment per person holds), each
 * change is recorded with who made it and the parent is told by SMS. Booking and changing need
 * the citizen's own pass of the booking gate, as their own booking does: no way round the line.
 */
final class ProxyRoutes {

    private static final String BASE = "/api/proxy";
    private static final Pattern CHALLENGE_ID = Pattern.compile("[A-Za-z0-9_-]{8,128}");

    private final HttpApi api;
    private final Assisting assisting;
    private final BookingRoutes bookings;
    private final IdentityRoutes identity;
    private final Sessions sessions;
    private final RateLimits limits;

    ProxyRoutes(HttpApi api, Assisting assisting, BookingRoutes bookings, IdentityRoutes identity, Sessions sessions,
                RateLimits limits) {
        this.api = api;
        this.assisting = assisting;
        this.bookings = bookings;
        this.identity = identity;
        this.sessions = sessions;
        this.limits = limits;
    }

    void mount(Router router) {
        // Signing out ends acting for a family member too (before IdentityRoutes answers).
        router.post("/api/identity/logout").handler(this::endOnLogout);
        router.post(BASE + "/challenges").handler(this::sendCode);
        router.post(BASE + "/challenges/:id/verify").handler(this::verify);
        router.get(BASE).handler(ctx -> withParent(ctx, (me, parent, acting) -> Reply.json(200, assisting.status(parent, acting.session()))));
        router.delete(BASE).handler(this::end);
        router.get(BASE + "/on-my-behalf").handler(ctx -> api.run(ctx, () -> identity.person(ctx)
                .map(me -> Reply.json(200, new JsonObject().put("onBehalf", assisting.onBehalfOf(me.id()))))
                .orElseGet(() -> IdentityRoutes.notVerified(ctx))));
        router.get(BASE + "/clinics").handler(ctx -> bookings.searchClinics(ctx, () -> identity.person(ctx)
                .flatMap(me -> assisting.acting(binding(me)).resident())));
        router.post(BASE + "/reservations").handler(this::book);
        router.put(BASE + "/reservations").handler(this::moveDose1);
        router.put(BASE + "/reservations/dose2").handler(this::moveDose2);
        router.delete(BASE + "/reservations").handler(this::cancel);
    }

    private static String binding(Person me) {
        return "person:" + me.id();
    }

    private void sendCode(RoutingContext ctx) {
        api.unlessLimited(ctx, limits.challengeFromAddress(ctx), () -> {
            Claim claim = Assisting.claim(ctx);
            api.unlessLimited(ctx, limits.challengeForPhone(claim.phone().orElseThrow()), () -> sendCode(ctx, claim));
        });
    }

    private void sendCode(RoutingContext ctx, Claim claim) {
        api.run(ctx, () -> {
            Optional<Person> me = identity.person(ctx);
            if (me.isEmpty()) {
                return IdentityRoutes.notVerified(ctx);
            }
            Optional<Person> parent = assisting.match(claim);
            if (parent.isEmpty()) {
                return IdentityRoutes.noMatch();
            }
            if (parent.get().id() == me.get().id()) {
                return Reply.problem(ProblemType.PROXY_SELF, "that is you: book for yourself on the booking page");
            }
            String who = NameMask.of(me.get().name());
            return assisting.sendCode(binding(me.get()), binding(me.get()), parent.get(), claim, "가족 " + who, "your family member " + who);
        });
    }

    private void verify(RoutingContext ctx) {
        api.unlessLimited(ctx, limits.verifyFromAddress(ctx), () -> {
            String id = ctx.pathParam("id");
            String code = Assisting.code(ctx);
            if (!CHALLENGE_ID.matcher(id).matches()) {
                api.send(ctx, Reply.problem(ProblemType.UNKNOWN_CHALLENGE, "ask for a new code"));
                return;
            }
            api.unlessLimited(ctx, limits.verifyForChallenge("proxy:" + id), () -> api.run(ctx, () -> identity.person(ctx)
                    .map(me -> assisting.confirm(binding(me), id, code).reply())
                    .orElseGet(() -> IdentityRoutes.notVerified(ctx))));
        });
    }

    private void end(RoutingContext ctx) {
        api.run(ctx, () -> identity.person(ctx).map(me -> {
            assisting.parts().sessions().end(binding(me));
            return new Reply(204, null, false, new ArrayList<>(), new ArrayList<>());
        }).orElseGet(() -> IdentityRoutes.notVerified(ctx)));
    }

    private void endOnLogout(RoutingContext ctx) {
        Cookie c = ctx.request().getCookie(IdentityRoutes.SESSION_COOKIE);
        Optional<Long> me = c == null ? Optional.empty() : sessions.tokens().verify(c.getValue()).map(s -> s.personId());
        if (me.isEmpty()) {
            ctx.next();
            return;
        }
        Context context = Vertx.currentContext();
        api.blockingWork().execute(() -> {
            try {
                assisting.parts().sessions().end("person:" + me.get());
            } catch (RuntimeException e) {
                context.runOnContext(v -> ctx.fail(e));
                return;
            }
            context.runOnContext(v -> ctx.next());
        });
    }

    /** What a citizen does for the parent who confirmed. */
    private interface ForParent {
        Reply apply(Person me, Person parent, Assisting.Acting acting);
    }

    private void withParent(RoutingContext ctx, ForParent work) {
        api.run(ctx, () -> {
            Optional<Person> me = identity.person(ctx);
            if (me.isEmpty()) {
                return IdentityRoutes.notVerified(ctx);
            }
            Assisting.Acting acting = assisting.acting(binding(me.get()));
            if (acting.resident().isEmpty()) {
                return acting.refusal();
            }
            return work.apply(me.get(), acting.resident().get(), acting);
        });
    }

    private void book(RoutingContext ctx) {
        String key = BookingRoutes.idempotencyKey(ctx);
        BookingRoutes.Place place = BookingRoutes.Place.of(ctx);
        withParent(ctx, (me, parent, acting) -> {
            // The citizen's own pass of the booking gate: the line is the same for them and their parent.
            BookingRoutes.Booked b = bookings.bookFor(ctx, parent, BookingRoutes.BOOKING_GATE, binding(me), place, key);
            assisting.recordIfDone(parent, binding(me), b.outcome());
            return b.reply();
        });
    }

    private void moveDose1(RoutingContext ctx) {
        String key = BookingRoutes.idempotencyKey(ctx);
        BookingRoutes.Place place = BookingRoutes.Place.of(ctx);
        change(ctx, key, p -> bookings.dose1(p, place, key));
    }

    private void moveDose2(RoutingContext ctx) {
        String key = BookingRoutes.idempotencyKey(ctx);
        LocalDate day = BookingRoutes.dose2Day(ctx);
        change(ctx, key, p -> bookings.dose2(p, day, key));
    }

    private void change(RoutingContext ctx, String key, Function<Person, Supplier<ChangeOutcome>> change) {
        withParent(ctx, (me, parent, acting) -> {
            BookingRoutes.Changed c = bookings.changeFor(ctx, parent, BookingRoutes.BOOKING_GATE, binding(me), key, change.apply(parent));
            assisting.recordIfDone(parent, binding(me), c.outcome());
            return c.reply();
        });
    }

    private void cancel(RoutingContext ctx) {
        String key = BookingRoutes.idempotencyKey(ctx);
        withParent(ctx, (me, parent, acting) -> {
            BookingRoutes.Cancelled c = bookings.cancelFor(ctx, parent, key);
            assisting.recordIfDone(parent, binding(me), c.outcome());
            return c.reply();
        });
    }
}
