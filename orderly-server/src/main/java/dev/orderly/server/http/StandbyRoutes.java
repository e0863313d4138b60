package dev.orderly.server.http;

import dev.orderly.booking.Reservation;
import dev.orderly.eligibility.Cohort;
import dev.orderly.eligibility.CohortStore;
import dev.orderly.problem.ProblemType;
import dev.orderly.registry.Person;
import dev.orderly.standby.ClaimOutcome;
import dev.orderly.standby.FairOrder;
import dev.orderly.standby.OfferView;
import dev.orderly.standby.Release;
import dev.orderly.standby.ReleaseSummary;
import dev.orderly.standby.StandbyEntry;
import dev.orderly.standby.StandbyOffer;
import dev.orderly.standby.StandbyService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Leftover doses over HTTP: citizens join and leave the standby list, open an offer's link and
 * claim it (with their verified session); clinics release doses for today and see what became of
 * them; operators open cohorts to leftovers. Everything touches the database and runs on a
 * virtual thread.
 */
final class StandbyRoutes {

    /** An offer token as the service makes them (24 random bytes, base64url): anything else is no token. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{32}");
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9._:-]{1,100}");
    private static final Pattern HOUR = Pattern.compile("([01][0-9]|2[0-3]):[0-5][0-9]");

    private final HttpApi api;
    private final IdentityRoutes identity;
    private final StandbyService standby;
    private final CohortStore cohorts;
    private final Clock clock;
    private final BookingRoutes bookings;

    StandbyRoutes(HttpApi api, IdentityRoutes identity, BookingRoutes bookings, StandbyService standby, CohortStore cohorts, Clock clock) {
        this.bookings = bookings;
        this.api = api;
        this.identity = identity;
        this.standby = standby;
        this.cohorts = cohorts;
        this.clock = clock;
    }

    void mount(Router router) {
        router.post("/api/standby").handler(this::join);
        router.get("/api/standby/mine").handler(this::mine);
        router.delete("/api/standby/mine").handler(this::leave);
        router.get("/api/standby/offers/:token").handler(this::offer);
        router.post("/api/standby/offers/:token/claim").handler(this::claim);
        router.post("/api/operator/clinics/:clinicId/leftovers").handler(this::release);
        router.get("/api/operator/clinics/:clinicId/leftovers").handler(this::releases);
        router.get("/api/operator/leftovers/cohorts").handler(this::openedCohorts);
        router.put("/api/operator/leftovers/cohorts").handler(this::openCohorts);
        router.delete("/api/operator/leftovers/cohorts").handler(this::closeCohorts);
    }

    // ------------------------------------------------------------------ citizens

    private void join(RoutingContext ctx) {
        JsonInput in = JsonInput.of(ctx, Set.of("districts", "clinicIds", "from", "to", "consent"));
        Set<StandbyEntry.District> districts = new HashSet<>();
        if (in.has("districts")) {
            JsonArray list = in.array("districts", StandbyEntry.MAX_AREAS);
            for (int i = 0; i < list.size(); i++) {
                JsonInput d = JsonInput.of(list.getValue(i), Set.of("province", "district"), "districts[" + i + "]");
                String province = d.text("province", 40);
                if (province.contains("/")) {
                    throw new BadRequest("a province name has no '/' (see /api/regions)");
                }
                districts.add(new StandbyEntry.District(province, d.text("district", 40)));
            }
        }
        Set<Long> clinics = new TreeSet<>();
        if (in.has("clinicIds")) {
            JsonArray list = in.array("clinicIds", StandbyEntry.MAX_AREAS);
            for (int i = 0; i < list.size(); i++) {
                if (!(list.getValue(i) instanceof Number n) || n.longValue() < 1 || n.longValue() > Integer.MAX_VALUE
                        || n.doubleValue() != n.longValue()) {
                    throw new BadRequest("'clinicIds' must hold clinic ids (whole numbers from 1)");
                }
                clinics.add(n.longValue());
            }
        }
        if (districts.isEmpty() && clinics.isEmpty()) {
            throw new BadRequest("choose at least one district ('districts') or clinic ('clinicIds')");
        }
        if (districts.size() + clinics.size() > StandbyEntry.MAX_AREAS) {
            throw new BadRequest("choose at most " + StandbyEntry.MAX_AREAS + " districts and clinics together");
        }
        LocalTime from = hour(in, "from");
        LocalTime to = hour(in, "to");
        if (!from.isBefore(to)) {
            throw new BadRequest("'to' must be after 'from' (hours of one day, Seoul time)");
        }
        boolean consent = in.bool("consent", false);
        api.run(ctx, () -> {
            Optional<Person> person = identity.person(ctx);
            if (person.isEmpty()) {
                return IdentityRoutes.notVerified(ctx);
            }
            return switch (standby.join(person.get(), districts, clinics, from, to, consent)) {
                case StandbyService.JoinOutcome.Joined j -> Reply.json(201, entryJson(j.entry()));
                case StandbyService.JoinOutcome.NoConsent n -> Reply.problem(ProblemType.CONSENT_REQUIRED,
                        "'consent' must be true: you agree to be texted when a leftover dose is free");
                case StandbyService.JoinOutcome.UnknownClinic u -> Reply.problem(ProblemType.CHOSEN_CLINIC_UNKNOWN, "no clinic " + u.clinicId());
                case StandbyService.JoinOutcome.NotEligible n -> Reply.problem(ProblemType.NOT_ELIGIBLE,
                        "you may not join the standby list now: you are not eligible, and no group of yours is open to leftover doses")
                        .with("eligibility", IdentityRoutes.eligibilityJson(n.why(), dev.orderly.time.SeoulCalendar.today(clock)));
            };
        });
    }

    private static LocalTime hour(JsonInput in, String field) {
        String text = in.text(field, 5);
        if (!HOUR.matcher(text).matches()) {
            throw new BadRequest("'" + field + "' must be a time of day as HH:MM (Seoul)");
        }
        try {
            return LocalTime.parse(text);
        } catch (DateTimeParseException e) {
            throw new BadRequest("'" + field + "' must be a time of day as HH:MM (Seoul)");
        }
    }

    static JsonObject entryJson(StandbyEntry e) {
        JsonArray districts = new JsonArray();
        e.districts().stream().sorted(java.util.Comparator.comparing(StandbyEntry.District::province)
                        .thenComparing(StandbyEntry.District::district))
                .forEach(d -> districts.add(new JsonObject().put("province", d.province()).put("district", d.district())));
        return new JsonObject().put("districts", districts).put("clinicIds", new JsonArray(new TreeSet<>(e.clinicIds()).stream().toList()))
                .put("from", e.from().toString()).put("to", e.to().toString()).put("consent", true)
                .put("consentAt", e.consentAt().toString()).put("joinedAt", e.joinedAt().toString());
    }

    private void mine(RoutingContext ctx) {
        api.run(ctx, () -> identity.person(ctx).map(p -> standby.entryOf(p).map(e -> Reply.json(200, entryJson(e)))
                        .orElseGet(() -> Reply.problem(ProblemType.NOT_ON_STANDBY, "you are not on the standby list")))
                .orElseGet(() -> IdentityRoutes.notVerified(ctx)));
    }

    private void leave(RoutingContext ctx) {
        api.run(ctx, () -> identity.person(ctx).map(p -> standby.leave(p) ? Reply.json(200, new JsonObject().put("left", true))
                        : Reply.problem(ProblemType.NOT_ON_STANDBY, "you are not on the standby list"))
                .orElseGet(() -> IdentityRoutes.notVerified(ctx)));
    }

    private static String token(RoutingContext ctx) {
        String token = ctx.pathParam("token");
        return token != null && TOKEN.matcher(token).matches() ? token : null;
    }

    /** What the link shows, to anyone holding it: the clinic, the vaccine, the time left; never who it is for. */
    private void offer(RoutingContext ctx) {
        String token = token(ctx);
        api.run(ctx, () -> {
            Optional<OfferView> view = token == null ? Optional.empty() : standby.offer(token);
            if (view.isEmpty()) {
                return noOffer();
            }
            return Reply.json(200, offerJson(view.get()));
        });
    }

    private JsonObject offerJson(OfferView v) {
        StandbyOffer o = v.offer();
        long left = o.status() == StandbyOffer.Status.OPEN ? Math.max(0, Duration.between(clock.instant(), o.expiresAt()).toSeconds()) : 0;
        String status = o.status() == StandbyOffer.Status.OPEN && left == 0 ? "EXPIRED" : o.status().name();
        return new JsonObject().put("clinic", new JsonObject().put("id", v.release().clinicId()).put("name", v.clinicName()))
                .put("product", v.release().product()).put("day", v.release().day().toString()).put("status", status)
                .put("expiresAt", o.expiresAt().toString()).put("secondsLeft", left);
    }

    private static Reply noOffer() {
        return Reply.problem(ProblemType.OFFER_NOT_FOUND, "no leftover-dose offer has this link");
    }

    private void claim(RoutingContext ctx) {
        String key = ctx.request().getHeader("Idempotency-Key");
        if (key != null && !IDEMPOTENCY_KEY.matcher(key).matches()) {
            throw new BadRequest("'Idempotency-Key' must be 1-100 of A-Z a-z 0-9 . _ : -");
        }
        String token = token(ctx);
        api.run(ctx, () -> {
            if (token == null) {
                return noOffer();
            }
            Optional<Person> person = identity.person(ctx);
            if (person.isEmpty()) {
                return IdentityRoutes.notVerified(ctx);
            }
            return switch (standby.claim(person.get(), token, key)) {
                case ClaimOutcome.Claimed c -> Reply.json(201, claimedJson(c.reservation()));
                case ClaimOutcome.NoSuchOffer n -> noOffer();
                case ClaimOutcome.NotYours n -> Reply.problem(ProblemType.OFFER_NOT_YOURS,
                        "this leftover dose was offered to someone else; verify as the person who got the text");
                case ClaimOutcome.Expired e -> Reply.problem(ProblemType.OFFER_EXPIRED,
                        "the time to claim ended at " + e.offer().expiresAt() + "; the dose goes to the next person")
                        .with("expiresAt", e.offer().expiresAt().toString());
                case ClaimOutcome.AlreadyClaimed a -> Reply.problem(ProblemType.OFFER_CLAIMED,
                        "this leftover dose was claimed already; a dose is claimed once");
                case ClaimOutcome.BookingRefused r -> bookings.bookingReply(r.outcome());
            };
        });
    }

    private static JsonObject claimedJson(Reservation r) {
        return BookingRoutes.reservationJson(r).put("leftover", true);
    }

    // ------------------------------------------------------------------ staff

    private static long clinicId(RoutingContext ctx) {
        return JsonInput.wholeNumber("clinicId", ctx.pathParam("clinicId"), -1, 1, Integer.MAX_VALUE);
    }

    private void release(RoutingContext ctx) {
        long clinicId = clinicId(ctx);
        JsonInput in = JsonInput.of(ctx, Set.of("product", "doses", "order"));
        String product = in.text("product", 16);
        int doses = in.integer("doses", 1, Release.MAX_DOSES);
        FairOrder order = in.has("order") ? FairOrder.ofSlug(in.text("order", 10)) : FairOrder.JOINED;
        if (order == null) {
            throw new BadRequest("'order' must be 'joined' (the order people joined the list) or 'draw' (a seeded draw)");
        }
        api.run(ctx, () -> switch (standby.release(clinicId, product, doses, order, Actor.of(ctx).login())) {
            case StandbyService.ReleaseOutcome.NotOffered n -> Reply.problem(ProblemType.NOT_OFFERED,
                    "clinic " + clinicId + " does not exist or does not offer " + product);
            // The login "system" is reserved for Orderly's own releases (StaffAccounts refuses it), so an
            // account meets the system's once-a-day rule only if it was made before the reservation.
            case StandbyService.ReleaseOutcome.AlreadyReleased a -> Reply.problem(ProblemType.ROLE_NOT_ALLOWED,
                    "the login 'system' is Orderly's own (releases from no-shows); release from another account");
            case StandbyService.ReleaseOutcome.Released r -> {
                JsonObject after = releaseJson(r.release()).put("offered", r.firstRound().offered().size());
                api.audit().record(ctx, "leftovers.release", "clinic:" + clinicId + "/leftovers/" + r.release().id(), null, after);
                yield Reply.json(201, after);
            }
        });
    }

    static JsonObject releaseJson(Release r) {
        return new JsonObject().put("id", r.id()).put("clinicId", r.clinicId()).put("product", r.product()).put("day", r.day().toString())
                .put("doses", r.doses()).put("order", r.order().slug()).put("seed", Long.toString(r.seed()))
                .put("releasedBy", r.releasedBy()).put("releasedAt", r.releasedAt().toString());
    }

    private void releases(RoutingContext ctx) {
        long clinicId = clinicId(ctx);
        api.run(ctx, () -> {
            JsonArray list = new JsonArray();
            for (ReleaseSummary s : standby.releasesToday(clinicId)) {
                list.add(releaseJson(s.release()).put("open", s.open()).put("claimed", s.claimed()).put("expired", s.expired())
                        .put("unoffered", s.unoffered()));
            }
            return Reply.json(200, new JsonObject().put("clinicId", clinicId)
                    .put("day", dev.orderly.time.SeoulCalendar.today(clock).toString()).put("releases", list)
                    .put("claimWindowMinutes", standby.claimWindow().toMinutes()));
        });
    }

    private void openedCohorts(RoutingContext ctx) {
        api.run(ctx, () -> Reply.json(200, new JsonObject().put("cohorts", new JsonArray(List.copyOf(standby.leftoverCohorts())))));
    }

    private void openCohorts(RoutingContext ctx) {
        JsonInput in = JsonInput.of(ctx, Set.of("cohorts"));
        JsonArray list = in.array("cohorts", 100);
        if (list.isEmpty()) {
            throw new BadRequest("'cohorts' names at least one cohort; DELETE /api/operator/leftovers/cohorts closes leftovers to them all");
        }
        Set<String> ids = new TreeSet<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.getValue(i) instanceof String id) || !Cohort.ID.matcher(id).matches()) {
                throw new BadRequest("'cohorts' must hold cohort ids (1-64 of a-z, 0-9 and '-')");
            }
            ids.add(id);
        }
        api.run(ctx, () -> {
            Set<String> known = new HashSet<>();
            cohorts.all().forEach(c -> known.add(c.id()));
            for (String id : ids) {
                if (!known.contains(id)) {
                    return Reply.problem(ProblemType.UNKNOWN_COHORT, "no cohort " + id);
                }
            }
            return setCohorts(ctx, ids);
        });
    }

    private void closeCohorts(RoutingContext ctx) {
        api.run(ctx, () -> setCohorts(ctx, Set.of()));
    }

    private Reply setCohorts(RoutingContext ctx, Set<String> ids) {
        JsonArray before = new JsonArray(List.copyOf(standby.leftoverCohorts()));
        standby.setLeftoverCohorts(ids);
        JsonArray after = new JsonArray(List.copyOf(new TreeSet<>(ids)));
        api.audit().record(ctx, "leftovers.cohorts", "leftovers:cohorts", new JsonObject().put("cohorts", before),
                new JsonObject().put("cohorts", after));
        return Reply.json(200, new JsonObject().put("cohorts", after));
    }
}
