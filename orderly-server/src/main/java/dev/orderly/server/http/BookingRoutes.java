package dev.orderly.server.http;

import dev.orderly.booking.BookingOutcome;
import dev.orderly.booking.BookingService;
import dev.orderly.booking.BookingStore;
import dev.orderly.booking.CancelOutcome;
import dev.orderly.booking.ChangeOutcome;
import dev.orderly.booking.ClinicAvailability;
import dev.orderly.booking.Reservation;
import dev.orderly.gate.PassCheck;
import dev.orderly.problem.ProblemType;
import dev.orderly.registry.Person;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Booking over HTTP: products, regions, clinic search with availability, book, show, change and
 * cancel. Every call touches the database and so runs on a virtual thread. Booking, changing and
 * cancelling take an optional {@code Idempotency-Key}: a retry with the same key gets the first
 * answer. Booking needs a pass of the booking gate (one place per verified person) and spends it.
 * A change (moving dose 1 or dose 2) takes a freed place as a booking does, so it needs and spends
 * a pass too, except while the booking gate is idle (open, nobody waiting): then it takes nobody's
 * turn. Search, show and cancel need no pass (search reads cheap, cached data; cancelling frees a
 * place).
 */
final class BookingRoutes {

    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9._:-]{1,100}");
    private static final int MAX_SEARCH_DAYS = 60;

    static final String BOOKING_GATE = "booking";

    private final HttpApi api;
    private final GateRoutes gates;
    private final IdentityRoutes identity;
    private final BookingService booking;
    private final BookingStore store;
    private final MeterRegistry meters;

    BookingRoutes(HttpApi api, GateRoutes gates, IdentityRoutes identity, BookingService booking, BookingStore store,
                  MeterRegistry meters) {
        this.api = api;
        this.gates = gates;
        this.identity = identity;
        this.booking = booking;
        this.store = store;
        this.meters = meters;
    }

    void mount(Router router) {
        router.get("/api/products").handler(ctx -> api.run(ctx, () -> Reply.json(200, new JsonArray(store.products().stream()
                .map(p -> new JsonObject().put("code", p.code()).put("name", p.name()).put("nameEn", p.nameEn())
                        .put("dose2MinDays", p.dose2MinDays()).put("dose2MaxDays", p.dose2MaxDays()))
                .toList()))));
        router.get("/api/regions").handler(ctx -> api.run(ctx, () -> Reply.json(200, new JsonArray(store.regions().stream()
                .map(r -> new JsonObject().put("province", r.province()).put("districts", new JsonArray(r.districts()))
                        .put("provinceEn", r.provinceEn()).put("districtsEn", new JsonObject(new java.util.HashMap<>(r.districtsEn()))))
                .toList()))));
        router.get("/api/clinics").handler(ctx -> searchClinics(ctx, () -> ctx.request().getCookie(IdentityRoutes.SESSION_COOKIE) == null
                ? Optional.empty() : identity.person(ctx)));
        router.post("/api/reservations").handler(this::book);
        router.get("/api/reservations/mine").handler(this::myReservation);
        router.put("/api/reservations/mine").handler(this::moveDose1);
        router.put("/api/reservations/mine/dose2").handler(this::moveDose2);
        router.delete("/api/reservations/mine").handler(this::cancel);
    }

    /**
     * Clinic search as {@code viewer} sees it (the person booking: the citizen, or the resident a
     * helper acts for), read on the virtual thread.
     */
    void searchClinics(RoutingContext ctx, Supplier<Optional<Person>> viewerOf) {
        String province = ctx.queryParams().get("province");
        if (province == null || province.isBlank() || province.length() > 40) {
            throw new BadRequest("'province' is required (see /api/regions)");
        }
        String district = ctx.queryParams().get("district");
        if (district != null && (district.isBlank() || district.length() > 40)) {
            throw new BadRequest("'district' must be a district name (see /api/regions)");
        }
        String fromParam = ctx.queryParams().get("from");
        // Absent: -1, up to the last bookable day.
        int requestedDays = JsonInput.wholeNumber("days", ctx.queryParams().get("days"), -1, 1, MAX_SEARCH_DAYS);
        LocalDate from = fromParam == null ? null : JsonInput.date("from", fromParam);
        api.run(ctx, () -> {
            LocalDate first = from == null ? booking.firstBookableDay() : from;
            int span = requestedDays > 0 ? requestedDays
                    : (int) (booking.lastBookableDay().toEpochDay() - first.toEpochDay() + 1);
            span = Math.max(1, Math.min(MAX_SEARCH_DAYS, span));
            JsonArray clinics = new JsonArray();
            Optional<Person> viewer = viewerOf.get();
            for (ClinicAvailability ca : booking.search(viewer, province, district, first, span)) {
                JsonArray daysJson = new JsonArray();
                ca.days().forEach(d -> daysJson.add(new JsonObject().put("day", d.day().toString()).put("product", d.product())
                        .put("capacity", d.capacity()).put("remaining", d.remaining())));
                clinics.add(ScheduleRoutes.clinicJson(ca.clinic())
                        .put("products", new JsonArray(ca.clinic().products().stream().sorted().toList()))
                        .put("days", daysJson));
            }
            return Reply.json(200, new JsonObject().put("from", first.toString()).put("days", span).put("clinics", clinics));
        });
    }

    static String idempotencyKey(RoutingContext ctx) {
        String key = ctx.request().getHeader("Idempotency-Key");
        if (key != null && !IDEMPOTENCY_KEY.matcher(key).matches()) {
            throw new BadRequest("'Idempotency-Key' must be 1-100 of A-Z a-z 0-9 . _ : -");
        }
        return key;
    }

    /** Where a booking or a first-dose move asks for: clinic, day and product. */
    record Place(long clinicId, LocalDate day, String product) {
        static Place of(RoutingContext ctx) {
            JsonInput in = JsonInput.of(ctx, Set.of("clinicId", "day", "product"));
            return new Place(in.number("clinicId"), in.date("day"), in.text("product", 16));
        }
    }

    private void book(RoutingContext ctx) {
        String key = idempotencyKey(ctx);
        Place place = Place.of(ctx);
        api.run(ctx, () -> {
            Optional<Person> person = identity.person(ctx);
            if (person.isEmpty()) {
                return IdentityRoutes.notVerified(ctx);
            }
            return bookFor(ctx, person.get(), BOOKING_GATE, "person:" + person.get().id(), place, key).reply();
        });
    }

    /** A booking's answer, and the outcome behind it (null when the request was refused before booking). */
    record Booked(Reply reply, BookingOutcome outcome) {
    }

    /**
     * Books {@code person} with a pass of {@code gate} earned by {@code holder}: the citizen for
     * themselves, a family member for a parent (both on the booking gate), or an agent on the
     * agent's gate. The same store, rules and idempotency whoever asks.
     */
    Booked bookFor(RoutingContext ctx, Person person, String gate, String holder, Place place, String key) {
        PassCheck pass = gates.passOf(ctx, gate);
        Optional<Reply> refused = refusal(pass, holder, person);
        if (refused.isPresent()) {
            return new Booked(refused.get(), null);
        }
        BookingOutcome outcome = booking.book(person, place.clinicId(), place.day(), place.product(), key);
        api.metersFor(ctx).counter("orderly.bookings", "outcome", outcome.getClass().getSimpleName()).increment();
        if (outcome instanceof BookingOutcome.Booked && pass instanceof PassCheck.Valid valid) {
            // Booking is the step the gate admits to: done, the pass is used.
            gates.spend(valid);
        }
        return new Booked(bookingReply(outcome), outcome);
    }

    /**
     * Why this booking request may not go on, if it may not. A spent pass still lets a retry
     * through while the person holds a reservation: the store can then only answer with that
     * reservation (one per person), so a retried request whose first answer was lost gets it.
     */
    private Optional<Reply> refusal(PassCheck pass, String holder, Person person) {
        return switch (pass) {
            case PassCheck.Valid valid -> valid.pass().holder().isEmpty() || valid.pass().holder().equals(holder)
                    ? Optional.empty()
                    : Optional.of(Reply.problem(ProblemType.PASS_OTHER_PERSON,
                            "this pass was earned by another verified person; join the booking line yourself"));
            case PassCheck.Refused r when r.reason() == PassCheck.Reason.SPENT && booking.reservationOf(person).isPresent() ->
                    Optional.empty();
            case PassCheck.Refused r -> Optional.of(GateRoutes.passRefused(r));
        };
    }

    Reply bookingReply(BookingOutcome outcome) {
        return switch (outcome) {
            case BookingOutcome.Booked b -> Reply.json(201, reservationJson(b.reservation()));
            case BookingOutcome.AlreadyBooked a -> Reply.problem(ProblemType.ALREADY_BOOKED,
                    "you already hold reservation " + a.existing().reference() + "; cancel it first to book another")
                    .with("reservation", reservationJson(a.existing()));
            case BookingOutcome.DayFull f -> Reply.problem(ProblemType.DAY_FULL,
                    "no places left on " + f.day() + " for " + f.product() + " at this clinic; choose another day or clinic");
            case BookingOutcome.NoSecondDoseDay n -> Reply.problem(ProblemType.NO_SECOND_DOSE_DAY,
                    "this clinic has no room for dose 2 between " + n.from() + " and " + n.to() + "; choose another day or clinic");
            case BookingOutcome.NotOffered n -> Reply.problem(ProblemType.NOT_OFFERED,
                    "clinic " + n.clinicId() + " does not offer " + n.product() + " on that day, or you may not book it");
            case BookingOutcome.DayOutOfRange d -> Reply.problem(ProblemType.DAY_OUT_OF_RANGE,
                    d.day() + " cannot be booked now; choose a day from " + d.first() + " to " + d.last())
                    .with("firstBookableDay", d.first().toString()).with("lastBookableDay", d.last().toString());
            case BookingOutcome.NotEligible n -> Reply.problem(ProblemType.NOT_ELIGIBLE,
                    "you may not book now").with("eligibility", IdentityRoutes.eligibilityJson(n.why(), booking.today()));
            case BookingOutcome.KeyReused k -> Reply.problem(ProblemType.IDEMPOTENCY_KEY_REUSED,
                    "the Idempotency-Key was already used for a different request");
        };
    }

    static JsonObject reservationJson(Reservation r) {
        return new JsonObject().put("reference", r.reference())
                .put("clinic", new JsonObject().put("id", r.clinicId()).put("name", r.clinicName()))
                .put("product", r.product()).put("dose1Day", r.dose1Day().toString()).put("dose2Day", r.dose2Day().toString())
                .put("bookedAt", r.bookedAt().toString()).put("changedAt", r.changedAt().toString());
    }

    private void myReservation(RoutingContext ctx) {
        api.run(ctx, () -> identity.person(ctx).map(p -> booking.reservationOf(p)
                        .map(r -> Reply.json(200, reservationJson(r)))
                        .orElseGet(() -> Reply.problem(ProblemType.NO_RESERVATION, "you hold no active reservation")))
                .orElseGet(() -> IdentityRoutes.notVerified(ctx)));
    }

    private void moveDose1(RoutingContext ctx) {
        String key = idempotencyKey(ctx);
        Place place = Place.of(ctx);
        api.run(ctx, () -> identity.person(ctx)
                .map(p -> changeFor(ctx, p, BOOKING_GATE, "person:" + p.id(), key, dose1(p, place, key)).reply())
                .orElseGet(() -> IdentityRoutes.notVerified(ctx)));
    }

    private void moveDose2(RoutingContext ctx) {
        String key = idempotencyKey(ctx);
        LocalDate day = dose2Day(ctx);
        api.run(ctx, () -> identity.person(ctx)
                .map(p -> changeFor(ctx, p, BOOKING_GATE, "person:" + p.id(), key, dose2(p, day, key)).reply())
                .orElseGet(() -> IdentityRoutes.notVerified(ctx)));
    }

    static LocalDate dose2Day(RoutingContext ctx) {
        return JsonInput.of(ctx, Set.of("day")).date("day");
    }

    Supplier<ChangeOutcome> dose1(Person p, Place place, String key) {
        return () -> booking.moveDose1(p, place.clinicId(), place.day(), place.product(), key);
    }

    Supplier<ChangeOutcome> dose2(Person p, LocalDate day, String key) {
        return () -> booking.moveDose2(p, day, key);
    }

    /** A change's answer, and the outcome behind it (null when refused before the change). */
    record Changed(Reply reply, ChangeOutcome outcome) {
    }

    /**
     * A change through the line of {@code gate}: with a pass {@code holder} earned, spent when the
     * change is made, unless the gate is idle just now (open, nobody waiting), when it may skip the line.
     */
    Changed changeFor(RoutingContext ctx, Person person, String gate, String holder, String key, Supplier<ChangeOutcome> change) {
        PassCheck pass = gates.idle(gate) ? null : gates.passOf(ctx, gate);
        if (pass != null) {
            Optional<Reply> refused = changeRefusal(pass, gate, holder, person, key);
            if (refused.isPresent()) {
                return new Changed(refused.get(), null);
            }
        }
        ChangeOutcome outcome = change.get();
        if (outcome instanceof ChangeOutcome.Changed && pass instanceof PassCheck.Valid valid) {
            gates.spend(valid);
        }
        return new Changed(counted(ctx, "changes", outcome, changeReply(outcome)), outcome);
    }

    /**
     * Why this change may not go on, if it may not. A spent pass lets through only a retry of a
     * request already answered (same Idempotency-Key): the store then gives the first answer again.
     */
    private Optional<Reply> changeRefusal(PassCheck pass, String gate, String holder, Person person, String key) {
        return switch (pass) {
            case PassCheck.Valid valid -> refusal(valid, holder, person);
            case PassCheck.Refused r when r.reason() == PassCheck.Reason.SPENT && key != null
                    && store.remembered(person.id(), key).isPresent() -> Optional.empty();
            case PassCheck.Refused r -> Optional.of(GateRoutes.passRefused(r).with("gate", gate));
        };
    }

    private Reply counted(RoutingContext ctx, String what, Object outcome, Reply reply) {
        api.metersFor(ctx).counter("orderly.bookings." + what, "outcome", outcome.getClass().getSimpleName()).increment();
        return reply;
    }

    Reply changeReply(ChangeOutcome outcome) {
        return switch (outcome) {
            case ChangeOutcome.Changed c -> Reply.json(200, reservationJson(c.reservation()));
            case ChangeOutcome.NothingToChange n -> Reply.problem(ProblemType.NO_RESERVATION,
                    "you hold no active reservation to change");
            case ChangeOutcome.OutsideInterval o -> Reply.problem(ProblemType.OUTSIDE_INTERVAL,
                    "dose 2 must be from " + o.from() + " to " + o.to()).with("from", o.from().toString()).with("to", o.to().toString());
            case ChangeOutcome.TooLate t -> Reply.problem(ProblemType.TOO_LATE,
                    "the appointment on " + t.day() + " is today or past and can no longer be moved").with("day", t.day().toString());
            case BookingOutcome.DayFull f -> bookingReply(f);
            case BookingOutcome.NoSecondDoseDay n -> bookingReply(n);
            case BookingOutcome.NotOffered n -> bookingReply(n);
            case BookingOutcome.DayOutOfRange d -> bookingReply(d);
            case BookingOutcome.NotEligible n -> bookingReply(n);
            case BookingOutcome.KeyReused k -> bookingReply(k);
        };
    }

    private void cancel(RoutingContext ctx) {
        String key = idempotencyKey(ctx);
        api.run(ctx, () -> identity.person(ctx).map(p -> cancelFor(ctx, p, key).reply()).orElseGet(IdentityRoutes::notVerified));
    }

    /** A cancellation's answer, and its outcome. */
    record Cancelled(Reply reply, CancelOutcome outcome) {
    }

    /** Cancels {@code person}'s reservation: no pass needed, cancelling frees a place. */
    Cancelled cancelFor(RoutingContext ctx, Person person, String key) {
        CancelOutcome outcome = booking.cancel(person, key);
        return new Cancelled(counted(ctx, "cancellations", outcome, switch (outcome) {
            case CancelOutcome.Cancelled c -> Reply.json(200, reservationJson(c.reservation()).put("status", "CANCELLED"));
            case CancelOutcome.NothingToCancel n -> Reply.problem(ProblemType.NO_RESERVATION, "you hold no active reservation");
            case BookingOutcome.KeyReused k -> bookingReply(k);
        }), outcome);
    }
}
