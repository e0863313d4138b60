package dev.orderly.server.http;

import dev.orderly.booking.BookingStore;
import dev.orderly.booking.Bucket;
import dev.orderly.booking.BucketCapacity;
import dev.orderly.booking.CapacitySetting;
import dev.orderly.booking.IntegrityReport;
import dev.orderly.booking.Product;
import dev.orderly.eligibility.BookingWindow;
import dev.orderly.eligibility.Cohort;
import dev.orderly.eligibility.Rotation;
import dev.orderly.eligibility.SpecialGroupUpload;
import dev.orderly.problem.ProblemType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The operator's side of eligibility and booking, under {@code /api/operator/} (behind
 * {@link OperatorAuth}): cohorts and their windows, special-group lists (CSV upload) and
 * capacity. Bad input is a 4xx problem and changes nothing; a change that breaks a rule of the
 * domain (a window closing before it opens, capacity below what is booked) is refused whole.
 */
final class OperatorBookingRoutes {

    /** Where special-group lists are uploaded (a larger body limit applies there). */
    static final String UPLOADS = "/api/operator/special-groups";

    /** Most days one capacity request may set. */
    private static final int MAX_CAPACITY_DAYS = 366;

    /** Most findings of each kind an integrity answer lists. */
    private static final int MAX_LISTED = 100;

    private final HttpApi api;
    private final BookingStore store;
    private final BookingOperations ops;

    OperatorBookingRoutes(HttpApi api, BookingStore store, BookingOperations ops) {
        this.api = api;
        this.store = store;
        this.ops = ops;
    }

    void mount(Router router) {
        router.get("/api/operator/cohorts").handler(ctx -> api.run(ctx, () -> Reply.json(200,
                new JsonArray(ops.cohorts().all().stream().map(OperatorBookingRoutes::cohortJson).toList()))));
        router.put("/api/operator/cohorts/:id").handler(this::saveCohort);
        router.delete("/api/operator/cohorts/:id").handler(this::deleteCohort);
        router.post("/api/operator/cohorts/:id/windows").handler(this::addWindow);
        router.post(UPLOADS).handler(this::upload);
        router.get(UPLOADS).handler(ctx -> api.run(ctx, () -> Reply.json(200, new JsonArray(ops.specialGroups().sizes().entrySet().stream()
                .map(e -> new JsonObject().put("group", e.getKey()).put("members", e.getValue())).toList()))));
        router.put("/api/operator/capacity").handler(this::setCapacity);
        router.get("/api/operator/capacity").handler(this::capacity);
        router.get("/api/operator/integrity").handler(ctx -> api.run(ctx, () -> Reply.json(200, integrityJson(store.checkIntegrity()))));
    }

    // ------------------------------------------------------------------ cohorts

    private static String cohortId(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        if (id == null || !Cohort.ID.matcher(id).matches()) {
            throw new BadRequest("a cohort id is 1-64 of a-z, 0-9 and '-'");
        }
        return id;
    }

    private void saveCohort(RoutingContext ctx) {
        String id = cohortId(ctx);
        JsonInput in = JsonInput.of(ctx, Set.of("name", "bornFrom", "bornTo", "products", "specialGroup", "rotation", "windows"));
        String name = in.text("name", 100);
        LocalDate bornFrom = in.date("bornFrom");
        LocalDate bornTo = in.date("bornTo");
        Set<String> products = new LinkedHashSet<>();
        for (Object p : in.array("products", 20)) {
            if (!(p instanceof String code) || code.isBlank() || code.length() > 16) {
                throw new BadRequest("'products' must be product codes (see /api/products)");
            }
            products.add(code);
        }
        Optional<String> group = in.has("specialGroup") ? Optional.of(in.text("specialGroup", 64)) : Optional.empty();
        Optional<Rotation> rotation = Optional.empty();
        if (in.has("rotation")) {
            JsonInput r = JsonInput.of(in.raw("rotation"), Set.of("digitIndex", "mapping"), "rotation");
            int digit = r.has("digitIndex") ? r.integer("digitIndex", 0, 7) : Rotation.DEFAULT.digitIndex();
            String mapping = r.has("mapping") ? r.text("mapping", 10) : Rotation.DEFAULT.mapping();
            rotation = Optional.of(rotation(digit, mapping));
        }
        List<BookingWindow> windows = new ArrayList<>();
        for (Object w : in.array("windows", 100)) {
            windows.add(window(JsonInput.of(w, Set.of("opensAt", "closesAt", "unbookedOnly"), "windows[]")));
        }
        Optional<String> groupChosen = group;
        Optional<Rotation> rotationChosen = rotation;
        api.run(ctx, () -> {
            Set<String> known = store.products().stream().map(Product::code).collect(Collectors.toSet());
            Set<String> unknown = products.stream().filter(p -> !known.contains(p)).collect(Collectors.toCollection(java.util.TreeSet::new));
            if (!unknown.isEmpty()) {
                return Reply.problem(ProblemType.UNKNOWN_PRODUCT, "no product " + unknown + " (see /api/products)");
            }
            Cohort cohort;
            try {
                cohort = new Cohort(id, name, bornFrom, bornTo, groupChosen, products, windows, rotationChosen);
            } catch (IllegalArgumentException e) {
                return Reply.problem(ProblemType.INVALID_COHORT, e.getMessage());
            }
            Optional<Cohort> existed = cohort(id);
            ops.cohorts().save(cohort);
            api.audit().record(ctx, existed.isPresent() ? "cohort.update" : "cohort.create", "cohort:" + id,
                    existed.map(OperatorBookingRoutes::cohortJson).orElse(null), cohortJson(cohort));
            return Reply.json(existed.isPresent() ? 200 : 201, cohortJson(cohort));
        });
    }

    private static Rotation rotation(int digit, String mapping) {
        try {
            return new Rotation(digit, mapping);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e.getMessage());
        }
    }

    private static BookingWindow window(JsonInput w) {
        var opens = w.instant("opensAt");
        var closes = w.instant("closesAt");
        if (!closes.isAfter(opens)) {
            throw new BadRequest("a window's 'closesAt' (" + closes + ") must be after its 'opensAt' (" + opens + ")");
        }
        return new BookingWindow(opens, closes, w.bool("unbookedOnly", false));
    }

    private Optional<Cohort> cohort(String id) {
        return ops.cohorts().all().stream().filter(c -> c.id().equals(id)).findFirst();
    }

    private void deleteCohort(RoutingContext ctx) {
        String id = cohortId(ctx);
        api.run(ctx, () -> {
            Optional<Cohort> before = cohort(id);
            if (!ops.cohorts().delete(id)) {
                return Reply.problem(ProblemType.UNKNOWN_COHORT, "no cohort " + id);
            }
            api.audit().record(ctx, "cohort.delete", "cohort:" + id, before.map(OperatorBookingRoutes::cohortJson).orElse(null), null);
            return new Reply(204, null, false, new ArrayList<>(), new ArrayList<>());
        });
    }

    private void addWindow(RoutingContext ctx) {
        String id = cohortId(ctx);
        BookingWindow window = window(JsonInput.of(ctx, Set.of("opensAt", "closesAt", "unbookedOnly")));
        api.run(ctx, () -> ops.cohorts().all().stream().filter(c -> c.id().equals(id)).findFirst()
                .map(c -> {
                    Cohort more = c.withWindow(window);
                    ops.cohorts().save(more);
                    api.audit().record(ctx, "cohort.window.add", "cohort:" + id, cohortJson(c), cohortJson(more));
                    return Reply.json(201, cohortJson(more));
                })
                .orElseGet(() -> Reply.problem(ProblemType.UNKNOWN_COHORT, "no cohort " + id)));
    }

    static JsonObject cohortJson(Cohort c) {
        JsonObject json = new JsonObject().put("id", c.id()).put("name", c.name()).put("bornFrom", c.bornFrom().toString())
                .put("bornTo", c.bornTo().toString()).put("products", new JsonArray(c.products().stream().sorted().toList()))
                .put("windows", new JsonArray(c.windows().stream().map(w -> new JsonObject().put("opensAt", w.opensAt().toString())
                        .put("closesAt", w.closesAt().toString()).put("unbookedOnly", w.unbookedOnly())).toList()));
        c.specialGroup().ifPresent(g -> json.put("specialGroup", g));
        c.rotation().ifPresent(r -> json.put("rotation", new JsonObject().put("digitIndex", r.digitIndex()).put("mapping", r.mapping())));
        return json;
    }

    // ------------------------------------------------------------------ special groups

    private void upload(RoutingContext ctx) {
        String contentType = ctx.request().getHeader("Content-Type");
        if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("text/csv")) {
            throw new BadRequest("send the list as text/csv: resident_id,name,birth_date,group");
        }
        String replaceParam = ctx.queryParams().get("replace");
        if (replaceParam != null && !replaceParam.equals("true") && !replaceParam.equals("false")) {
            throw new BadRequest("'replace' must be true or false");
        }
        boolean replace = "true".equals(replaceParam);
        String filename = ctx.queryParams().get("filename");
        if (filename != null && (filename.isEmpty() || filename.length() > 255 || filename.chars().anyMatch(Character::isISOControl))) {
            throw new BadRequest("'filename' (the uploaded file's name, for the audit log) must be 1-255 characters without control characters");
        }
        byte[] bytes = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
        String csv;
        try {
            csv = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new BadRequest("the list must be UTF-8 text");
        }
        api.run(ctx, () -> {
            Map<String, Integer> sizesBefore = ops.specialGroups().sizes();
            return switch (ops.upload().upload(csv, replace)) {
            case SpecialGroupUpload.Outcome.Stored s -> {
                auditUpload(ctx, filename, bytes, replace, s, sizesBefore);
                yield Reply.json(201, new JsonObject().put("accepted", s.accepted()).put("rejected", 0)
                    .put("groups", new JsonArray(List.copyOf(s.groups()))).put("replaced", replace));
            }
            case SpecialGroupUpload.Outcome.Refused r -> Reply.problem(ProblemType.REJECTED_ROWS,
                            r.rejected() + " row(s) rejected; nothing was stored. Fix them and upload the whole file again")
                    .with("accepted", r.accepted()).with("rejected", r.rejected())
                    .with("rejections", new JsonArray(r.rejections().stream()
                            .map(x -> new JsonObject().put("line", x.line()).put("reason", x.reason())).toList()));
            };
        });
    }

    /**
     * A stored list in the audit log: the file's name, size and SHA-256 and the row counts, and
     * the sizes of its groups before and after; never a row of it (names, birth dates, ids).
     */
    private void auditUpload(RoutingContext ctx, String filename, byte[] bytes, boolean replace, SpecialGroupUpload.Outcome.Stored stored,
                             Map<String, Integer> sizesBefore) {
        Set<String> groups = new TreeSet<>(stored.groups());
        Map<String, Integer> sizesAfter = ops.specialGroups().sizes();
        JsonObject before = new JsonObject();
        JsonObject after = new JsonObject();
        groups.forEach(g -> {
            before.put(g, sizesBefore.getOrDefault(g, 0));
            after.put(g, sizesAfter.getOrDefault(g, 0));
        });
        String digest;
        try {
            digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        api.audit().record(ctx, "special-group.upload", "special-groups:" + String.join(",", groups),
                new JsonObject().put("members", before),
                new JsonObject().put("members", after).put("file", new JsonObject().put("name", filename).put("bytes", bytes.length)
                        .put("sha256", digest)).put("replace", replace).put("accepted", stored.accepted()).put("rejected", 0));
    }

    // ------------------------------------------------------------------ capacity

    private void setCapacity(RoutingContext ctx) {
        JsonInput in = JsonInput.of(ctx, Set.of("clinicId", "product", "from", "to", "capacity", "group", "splitByRotation"));
        long clinicId = in.number("clinicId");
        String product = in.text("product", 16);
        LocalDate from = in.date("from");
        LocalDate to = in.has("to") ? in.date("to") : from;
        if (to.isBefore(from) || ChronoUnit.DAYS.between(from, to) >= MAX_CAPACITY_DAYS) {
            throw new BadRequest("'to' must be from 'from' to " + (MAX_CAPACITY_DAYS - 1) + " days after it");
        }
        int capacity = in.integer("capacity", 0, 1_000_000);
        boolean split = in.bool("splitByRotation", false);
        if (split && in.has("group")) {
            throw new BadRequest("give either 'group' or 'splitByRotation', not both");
        }
        int group = in.has("group") ? in.integer("group", Bucket.SHARED, 9) : Bucket.SHARED;
        List<CapacitySetting> settings = new ArrayList<>();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            if (split) {
                // The day's places go to the ten rotation groups, as evenly as they divide; nothing stays shared.
                settings.add(new CapacitySetting(new Bucket(clinicId, product, d, Bucket.SHARED), 0));
                for (int g = 0; g < 10; g++) {
                    settings.add(new CapacitySetting(new Bucket(clinicId, product, d, g), capacity / 10 + (g < capacity % 10 ? 1 : 0)));
                }
            } else {
                settings.add(new CapacitySetting(new Bucket(clinicId, product, d, group), capacity));
            }
        }
        int days = (int) ChronoUnit.DAYS.between(from, to) + 1;
        api.run(ctx, () -> {
            JsonArray before = bucketsJson(store.capacity(clinicId, from, days).stream().filter(b -> b.bucket().product().equals(product)).toList());
            try {
                store.setCapacity(settings);
            } catch (IllegalArgumentException e) {
                return Reply.problem(ProblemType.NOT_OFFERED, e.getMessage());
            } catch (IllegalStateException e) {
                return Reply.problem(ProblemType.BELOW_BOOKED, e.getMessage() + "; nothing was changed");
            }
            JsonArray after = bucketsJson(store.capacity(clinicId, from, days).stream().filter(b -> b.bucket().product().equals(product)).toList());
            api.audit().record(ctx, "capacity.set", "clinic:" + clinicId + "/capacity/" + product + "/" + from + ".." + to,
                    new JsonObject().put("buckets", before), new JsonObject().put("buckets", after));
            return Reply.json(200, new JsonObject().put("buckets", after));
        });
    }

    private void capacity(RoutingContext ctx) {
        long clinicId = JsonInput.wholeNumber("clinicId", ctx.queryParams().get("clinicId"), -1, 0, Integer.MAX_VALUE);
        if (clinicId < 0) {
            throw new BadRequest("'clinicId' is required and must be a whole number");
        }
        LocalDate from = JsonInput.date("from", ctx.queryParams().get("from"));
        int span = JsonInput.wholeNumber("days", ctx.queryParams().get("days"), 14, 1, MAX_CAPACITY_DAYS);
        api.run(ctx, () -> Reply.json(200, new JsonObject().put("clinicId", clinicId).put("buckets", bucketsJson(store.capacity(clinicId, from, span)))));
    }

    /** Counts first (what a dashboard or a load test checks), then up to {@link #MAX_LISTED} of each finding. */
    private static JsonObject integrityJson(IntegrityReport report) {
        return new JsonObject().put("clean", report.isClean())
                .put("overbookedBuckets", report.overbooked().size())
                .put("peopleWithTwoAppointments", report.doubleBooked().size())
                .put("countMismatches", report.countMismatches().size())
                .put("findings", new JsonArray(Stream.of(report.overbooked(), report.doubleBooked(), report.countMismatches())
                        .flatMap(l -> l.stream().limit(MAX_LISTED)).toList()));
    }

    private static JsonArray bucketsJson(List<BucketCapacity> buckets) {
        return new JsonArray(buckets.stream().map(b -> new JsonObject().put("day", b.bucket().day().toString())
                .put("product", b.bucket().product()).put("group", b.bucket().group() == Bucket.SHARED ? null : b.bucket().group())
                .put("capacity", b.capacity()).put("booked", b.booked())).toList());
    }
}
