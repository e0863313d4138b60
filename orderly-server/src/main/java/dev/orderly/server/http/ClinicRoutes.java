package dev.orderly.server.http;

import dev.orderly.booking.BookingStore;
import dev.orderly.booking.Bucket;
import dev.orderly.booking.BucketCapacity;
import dev.orderly.booking.CapacitySetting;
import dev.orderly.booking.Clinic;
import dev.orderly.clinic.Appointment;
import dev.orderly.clinic.ClinicDesk;
import dev.orderly.clinic.ClosedDay;
import dev.orderly.clinic.DeskOutcome;
import dev.orderly.clinic.DoseGiven;
import dev.orderly.clinic.Refusal;
import dev.orderly.clinic.Visit;
import dev.orderly.clinic.VisitStatus;
import dev.orderly.problem.ProblemType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The clinic desk under {@code /api/operator/clinics/:clinicId/} (behind {@link OperatorAuth}; a
 * clinic account reaches only the clinics on it, see {@link AccessRules}): the day list and its
 * search, check-in, dose given, no-show, capacity and closing a day. Answers carry a person's
 * masked name and birth date, never a phone or resident number; the audit log gets references and
 * visit states, never names.
 */
final class ClinicRoutes {

    private static final String BASE = "/api/operator/clinics/:clinicId";
    /** A booking reference as the booking service makes them (OR- and 8 letters or digits), in any case. */
    private static final Pattern REFERENCE = Pattern.compile("[A-Za-z]{2}-[A-Za-z0-9]{1,16}");
    /** Most days one capacity request may set: a month ahead is what a clinic plans. */
    private static final int MAX_CAPACITY_DAYS = 62;

    private static final Map<Refusal, ProblemType> PROBLEMS = new EnumMap<>(Map.ofEntries(
            Map.entry(Refusal.UNKNOWN_APPOINTMENT, ProblemType.UNKNOWN_APPOINTMENT),
            Map.entry(Refusal.WRONG_CLINIC, ProblemType.WRONG_CLINIC),
            Map.entry(Refusal.WRONG_DAY, ProblemType.WRONG_DAY),
            Map.entry(Refusal.CANCELLED, ProblemType.APPOINTMENT_CANCELLED),
            Map.entry(Refusal.ALREADY_GIVEN, ProblemType.ALREADY_GIVEN),
            Map.entry(Refusal.VISIT_RECORDED, ProblemType.VISIT_RECORDED),
            Map.entry(Refusal.DAY_NOT_OVER, ProblemType.DAY_NOT_OVER),
            Map.entry(Refusal.WRONG_DOSE, ProblemType.WRONG_DOSE),
            Map.entry(Refusal.WRONG_PRODUCT, ProblemType.WRONG_PRODUCT),
            Map.entry(Refusal.DOSE1_NOT_GIVEN, ProblemType.FIRST_DOSE_NOT_GIVEN),
            Map.entry(Refusal.AMBIGUOUS_PERSON, ProblemType.AMBIGUOUS_PERSON),
            Map.entry(Refusal.DAY_CLOSED, ProblemType.DAY_CLOSED),
            Map.entry(Refusal.DAY_PAST, ProblemType.DAY_PAST)));

    private final HttpApi api;
    private final ClinicDesk desk;
    private final BookingStore store;

    ClinicRoutes(HttpApi api, ClinicDesk desk, BookingStore store) {
        this.api = api;
        this.desk = desk;
        this.store = store;
    }

    void mount(Router router) {
        router.get(BASE).handler(this::clinic);
        router.get(BASE + "/day").handler(this::day);
        router.post(BASE + "/check-in").handler(this::checkIn);
        router.post(BASE + "/doses").handler(this::give);
        router.post(BASE + "/no-show").handler(this::noShow);
        router.put(BASE + "/capacity").handler(this::capacity);
        router.post(BASE + "/days/:date/close").handler(this::close);
    }

    private static long clinicId(RoutingContext ctx) {
        return JsonInput.wholeNumber("clinicId", ctx.pathParam("clinicId"), -1, 0, Integer.MAX_VALUE);
    }

    private static String reference(String value) {
        if (value == null || !REFERENCE.matcher(value.strip()).matches()) {
            throw new BadRequest("'reference' must be a booking reference such as OR-7K3M9Q2P");
        }
        return value.strip().toUpperCase(Locale.ROOT);
    }

    /** Runs {@code work} for a clinic that exists, or answers 404. */
    private void forClinic(RoutingContext ctx, long clinicId, java.util.function.Function<Clinic, Reply> work) {
        api.run(ctx, () -> store.clinic(clinicId).map(work).orElseGet(() -> Reply.problem(ProblemType.UNKNOWN_CLINIC, "no clinic " + clinicId)));
    }

    private void clinic(RoutingContext ctx) {
        long clinicId = clinicId(ctx);
        forClinic(ctx, clinicId, c -> {
            Map<String, String> names = new java.util.HashMap<>();
            store.products().forEach(p -> names.put(p.code(), p.name()));
            return Reply.json(200, new JsonObject().put("id", c.id()).put("name", c.name()).put("province", c.province())
                    .put("district", c.district()).put("today", desk.today().toString())
                    .put("products", new JsonArray(c.products().stream().sorted()
                            .map(p -> new JsonObject().put("code", p).put("name", names.getOrDefault(p, p))).toList())));
        });
    }

    // ------------------------------------------------------------------ the day list

    private void day(RoutingContext ctx) {
        long clinicId = clinicId(ctx);
        String dateParam = ctx.queryParams().get("date");
        Optional<LocalDate> date = dateParam == null ? Optional.empty() : Optional.of(JsonInput.date("date", dateParam));
        String q = ctx.queryParams().get("q");
        String name = ctx.queryParams().get("name");
        String birth = ctx.queryParams().get("birthDate");
        if (q != null) {
            reference(q);
        }
        if ((name == null) != (birth == null) || (q != null && name != null)) {
            throw new BadRequest("search by 'q' (a booking reference) or by 'name' and 'birthDate' together");
        }
        if (name != null && (name.isBlank() || name.length() > 50 || !TextCheck.isCleanText(name))) {
            throw new BadRequest("'name' must be 1-50 characters");
        }
        Optional<LocalDate> birthDate = birth == null ? Optional.empty() : Optional.of(JsonInput.date("birthDate", birth));
        forClinic(ctx, clinicId, c -> {
            LocalDate d = date.orElseGet(desk::today);
            List<Appointment> list = q != null ? desk.byReference(clinicId, d, q)
                    : name != null ? desk.byPerson(clinicId, d, name, birthDate.orElseThrow()) : desk.day(clinicId, d);
            Map<VisitStatus, Integer> counts = new EnumMap<>(VisitStatus.class);
            List<Appointment> all = q == null && name == null ? list : desk.day(clinicId, d);
            all.forEach(a -> counts.merge(a.status(), 1, Integer::sum));
            JsonObject countsJson = new JsonObject();
            for (VisitStatus s : VisitStatus.values()) {
                countsJson.put(s.slug(), counts.getOrDefault(s, 0));
            }
            JsonObject json = new JsonObject().put("clinicId", clinicId).put("clinicName", c.name()).put("date", d.toString())
                    .put("today", desk.today().toString()).put("closed", desk.closed(clinicId, d).map(ClinicRoutes::closedJson).orElse(null))
                    .put("capacity", new JsonArray(store.capacity(clinicId, d, 1).stream().map(ClinicRoutes::bucketJson).toList()))
                    .put("counts", countsJson)
                    .put("appointments", new JsonArray(list.stream().map(ClinicRoutes::appointmentJson).toList()));
            return Reply.json(200, json);
        });
    }

    static JsonObject appointmentJson(Appointment a) {
        Visit v = a.visit();
        JsonObject json = new JsonObject().put("reference", a.reference()).put("dose", a.dose()).put("product", a.product())
                .put("day", a.day().toString()).put("bookedAt", a.bookedAt().toString()).put("name", a.maskedName())
                .put("birthDate", a.birthDate().toString()).put("status", a.status().slug());
        v.checkedIn().ifPresent(s -> json.put("checkedInAt", s.at().toString()));
        v.given().ifPresent(g -> json.put("givenAt", g.stamp().at().toString()).put("givenProduct", g.product()).put("lot", g.lot())
                .put("doseNumber", g.doseNumber()));
        v.noShow().ifPresent(s -> json.put("noShowAt", s.at().toString()));
        return json;
    }

    /** A visit for the audit log: when and by whom, the lot; no name. */
    private static JsonObject visitJson(Appointment a) {
        Visit v = a.visit();
        JsonObject json = new JsonObject().put("status", a.status().slug()).put("day", a.day().toString());
        v.checkedIn().ifPresent(s -> json.put("checkedIn", new JsonObject().put("at", s.at().toString()).put("by", s.by())));
        v.given().ifPresent(g -> json.put("given", new JsonObject().put("at", g.stamp().at().toString()).put("by", g.stamp().by())
                .put("product", g.product()).put("lot", g.lot()).put("doseNumber", g.doseNumber())));
        v.noShow().ifPresent(s -> json.put("noShow", new JsonObject().put("at", s.at().toString()).put("by", s.by())));
        return json;
    }

    private static JsonObject closedJson(ClosedDay c) {
        return new JsonObject().put("reasonKo", c.reasonKo()).put("reasonEn", c.reasonEn()).put("closedAt", c.stamp().at().toString())
                .put("closedBy", c.stamp().by()).put("moved", c.moved()).put("cancelled", c.cancelled()).put("kept", c.kept());
    }

    private static JsonObject bucketJson(BucketCapacity b) {
        return new JsonObject().put("day", b.bucket().day().toString()).put("product", b.bucket().product())
                .put("group", b.bucket().group() == Bucket.SHARED ? null : b.bucket().group()).put("capacity", b.capacity())
                .put("booked", b.booked());
    }

    // ------------------------------------------------------------------ the desk

    private Reply answer(RoutingContext ctx, long clinicId, String action, Optional<Appointment> before, DeskOutcome outcome) {
        return switch (outcome) {
            case DeskOutcome.Refused r -> Reply.problem(PROBLEMS.get(r.why()), r.detail());
            case DeskOutcome.Done d -> {
                Appointment a = d.appointment();
                api.audit().record(ctx, action, "clinic:" + clinicId + "/appointment:" + a.reference() + "/" + a.dose(),
                        before.map(ClinicRoutes::visitJson).orElse(null), visitJson(a));
                yield Reply.json(200, appointmentJson(a).put("completed", d.completed()));
            }
        };
    }

    private void checkIn(RoutingContext ctx) {
        long clinicId = clinicId(ctx);
        JsonInput in = JsonInput.of(ctx, Set.of("reference", "dose", "name", "birthDate"));
        ClinicDesk.Lookup lookup;
        if (in.has("reference")) {
            if (in.has("name") || in.has("birthDate")) {
                throw new BadRequest("check in by 'reference' (and 'dose') or by 'name' and 'birthDate', not both");
            }
            lookup = new ClinicDesk.Lookup.ByReference(reference(in.text("reference", 40)), in.has("dose") ? in.integer("dose", 1, 2) : 0);
        } else {
            if (in.has("dose")) {
                throw new BadRequest("'dose' goes with 'reference'");
            }
            lookup = new ClinicDesk.Lookup.ByPerson(in.text("name", 50), in.date("birthDate"));
        }
        forClinic(ctx, clinicId, c -> {
            Optional<Appointment> before = lookup instanceof ClinicDesk.Lookup.ByReference r
                    ? desk.byReference(clinicId, desk.today(), r.reference()).stream().findFirst() : Optional.empty();
            return answer(ctx, clinicId, "clinic.check-in", before, desk.checkIn(clinicId, lookup, Actor.of(ctx).login()));
        });
    }

    private void give(RoutingContext ctx) {
        long clinicId = clinicId(ctx);
        JsonInput in = JsonInput.of(ctx, Set.of("reference", "dose", "product", "lot", "doseNumber"));
        String reference = reference(in.text("reference", 40));
        int dose = in.integer("dose", 1, 2);
        String product = in.text("product", 16);
        String lot = in.text("lot", 32);
        if (!DoseGiven.LOT.matcher(lot).matches()) {
            throw new BadRequest("'lot' is the lot number on the vial: 1-32 letters, digits and dashes");
        }
        int doseNumber = in.integer("doseNumber", 1, 2);
        forClinic(ctx, clinicId, c -> answer(ctx, clinicId, "clinic.dose-given", Optional.empty(),
                desk.give(clinicId, reference, dose, product, lot, doseNumber, Actor.of(ctx).login())));
    }

    private void noShow(RoutingContext ctx) {
        long clinicId = clinicId(ctx);
        JsonInput in = JsonInput.of(ctx, Set.of("reference", "dose"));
        String reference = reference(in.text("reference", 40));
        int dose = in.integer("dose", 1, 2);
        forClinic(ctx, clinicId, c -> answer(ctx, clinicId, "clinic.no-show", Optional.empty(),
                desk.noShow(clinicId, reference, dose, Actor.of(ctx).login())));
    }

    // ------------------------------------------------------------------ capacity and closing

    private void capacity(RoutingContext ctx) {
        long clinicId = clinicId(ctx);
        JsonInput in = JsonInput.of(ctx, Set.of("product", "day", "to", "capacity"));
        String product = in.text("product", 16);
        LocalDate from = in.date("day");
        LocalDate to = in.has("to") ? in.date("to") : from;
        if (to.isBefore(from) || ChronoUnit.DAYS.between(from, to) >= MAX_CAPACITY_DAYS) {
            throw new BadRequest("'to' must be from 'day' to " + (MAX_CAPACITY_DAYS - 1) + " days after it");
        }
        int capacity = in.integer("capacity", 0, 100_000);
        int days = (int) ChronoUnit.DAYS.between(from, to) + 1;
        forClinic(ctx, clinicId, c -> {
            if (from.isBefore(desk.today())) {
                return Reply.problem(ProblemType.DAY_PAST, from + " is past; capacity is set for today or later");
            }
            for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
                Optional<ClosedDay> closed = desk.closed(clinicId, d);
                if (closed.isPresent()) {
                    return Reply.problem(ProblemType.DAY_CLOSED, d + " is closed (" + closed.get().reasonEn() + "); nothing was changed");
                }
            }
            List<CapacitySetting> settings = new ArrayList<>();
            for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
                settings.add(new CapacitySetting(new Bucket(clinicId, product, d, Bucket.SHARED), capacity));
            }
            JsonArray before = buckets(clinicId, from, days, product);
            try {
                store.setCapacity(settings);
            } catch (IllegalArgumentException e) {
                return Reply.problem(ProblemType.NOT_OFFERED, e.getMessage());
            } catch (IllegalStateException e) {
                return Reply.problem(ProblemType.BELOW_BOOKED, e.getMessage() + "; nothing was changed");
            }
            JsonArray after = buckets(clinicId, from, days, product);
            api.audit().record(ctx, "clinic.capacity.set", "clinic:" + clinicId + "/capacity/" + product + "/" + from + ".." + to,
                    new JsonObject().put("buckets", before), new JsonObject().put("buckets", after));
            return Reply.json(200, new JsonObject().put("buckets", after));
        });
    }

    private JsonArray buckets(long clinicId, LocalDate from, int days, String product) {
        return new JsonArray(store.capacity(clinicId, from, days).stream().filter(b -> b.bucket().product().equals(product))
                .map(ClinicRoutes::bucketJson).toList());
    }

    private void close(RoutingContext ctx) {
        long clinicId = clinicId(ctx);
        LocalDate day = JsonInput.date("date", ctx.pathParam("date"));
        JsonInput in = JsonInput.of(ctx, Set.of("reasonKo", "reasonEn"));
        String reasonKo = in.text("reasonKo", 200);
        String reasonEn = in.text("reasonEn", 200);
        forClinic(ctx, clinicId, c -> {
            JsonArray before = new JsonArray(store.capacity(clinicId, day, 1).stream().map(ClinicRoutes::bucketJson).toList());
            return switch (desk.close(clinicId, day, reasonKo, reasonEn, Actor.of(ctx).login())) {
                case ClinicDesk.CloseOutcome.Refused r -> Reply.problem(PROBLEMS.get(r.why()), r.detail());
                case ClinicDesk.CloseOutcome.Closed closed -> {
                    JsonObject summary = closedJson(closed.day());
                    api.audit().record(ctx, "clinic.day.close", "clinic:" + clinicId + "/day:" + day, new JsonObject().put("capacity", before),
                            summary.copy().put("capacity", new JsonArray(store.capacity(clinicId, day, 1).stream().map(ClinicRoutes::bucketJson).toList()))
                                    .put("movedReferences", new JsonArray(closed.result().moved().stream().map(r -> r.reference()).toList()))
                                    .put("cancelledReferences", new JsonArray(closed.result().cancelled().stream().map(r -> r.reference()).toList())));
                    yield Reply.json(200, new JsonObject().put("clinicId", clinicId).put("date", day.toString()).put("closed", summary)
                            .put("movedAppointments", new JsonArray(closed.result().moved().stream()
                                    .map(r -> new JsonObject().put("reference", r.reference()).put("dose1Day", r.dose1Day().toString())
                                            .put("dose2Day", r.dose2Day().toString())).toList()))
                            .put("cancelledReservations", new JsonArray(closed.result().cancelled().stream()
                                    .map(r -> new JsonObject().put("reference", r.reference())).toList())));
                }
            };
        });
    }

}
