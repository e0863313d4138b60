package dev.orderly.server.http;

import dev.orderly.booking.BookingService;
import dev.orderly.booking.BookingStore;
import dev.orderly.booking.Clinic;
import dev.orderly.problem.ProblemType;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.LocalDate;

/**
 * What anyone may read before joining a line, without identity: who may book now and next (the
 * landing and schedule pages), whether a birth date could book now, and a clinic's address and
 * telephone (for confirmations). The schedule is the same for everyone and may be cached briefly;
 * a birth-date check is per question, never cached, and limited per address like joins.
 */
final class ScheduleRoutes {

    /** How long a schedule answer may be reused: short, so an opening shows within the minute. */
    static final int SCHEDULE_MAX_AGE_SECONDS = 30;

    private final HttpApi api;
    private final BookingService booking;
    private final BookingStore store;
    private final RateLimits rateLimits;
    private final Clock clock;

    ScheduleRoutes(HttpApi api, BookingService booking, BookingStore store, RateLimits rateLimits, Clock clock) {
        this.api = api;
        this.booking = booking;
        this.store = store;
        this.rateLimits = rateLimits;
        this.clock = clock;
    }

    void mount(Router router) {
        router.get("/api/schedule").handler(ctx -> api.run(ctx, () -> Reply.json(200,
                        CohortJson.schedule(booking.schedule(), booking.today(), clock.instant()))
                .header("Cache-Control", "public, max-age=" + SCHEDULE_MAX_AGE_SECONDS)));
        router.get("/api/schedule/check").handler(this::check);
        router.get("/api/clinics/:id").handler(this::clinic);
    }

    private void check(RoutingContext ctx) {
        String raw = ctx.queryParams().get("birthDate");
        if (raw == null) {
            throw new BadRequest("'birthDate' is required, as YYYY-MM-DD");
        }
        LocalDate birthDate = JsonInput.date("birthDate", raw);
        if (birthDate.isAfter(booking.today()) || birthDate.getYear() < 1900) {
            throw new BadRequest("'birthDate' must be a past date from 1900 on");
        }
        api.unlessLimited(ctx, rateLimits.scheduleCheck(ctx), () -> api.run(ctx, () -> Reply.json(200, new JsonObject()
                        .put("birthDate", birthDate.toString())
                        .put("eligibility", CohortJson.eligibility(booking.eligibilityByBirthDate(birthDate), booking.today())))
                .header("Cache-Control", "no-store")));
    }

    private void clinic(RoutingContext ctx) {
        long id = JsonInput.wholeNumber("id", ctx.pathParam("id"), -1, 1, Integer.MAX_VALUE);
        api.run(ctx, () -> store.clinic(id).map(c -> Reply.json(200, clinicJson(c)).header("Cache-Control", "public, max-age=300"))
                .orElseGet(() -> Reply.problem(ProblemType.NOT_FOUND, "no clinic " + id)));
    }

    /** A clinic's names, place and telephone, as search results and confirmations show them. */
    static JsonObject clinicJson(Clinic c) {
        return new JsonObject().put("id", c.id()).put("name", c.name()).put("nameEn", c.nameEn())
                .put("province", c.province()).put("provinceEn", c.provinceEn())
                .put("district", c.district()).put("districtEn", c.districtEn())
                .put("address", c.address()).put("phone", c.phone());
    }
}
