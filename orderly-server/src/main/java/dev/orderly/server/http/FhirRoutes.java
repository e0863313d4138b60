package dev.orderly.server.http;

import dev.orderly.problem.ProblemType;
import dev.orderly.server.fhir.BulkPublication;
import dev.orderly.server.fhir.FhirJson;
import dev.orderly.server.fhir.FhirReads;
import dev.orderly.server.fhir.FhirResources;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Resource;

/**
 * FHIR R4 over HTTP, under {@code /fhir/}:
 * <ul>
 *   <li>for clinics' systems, behind {@link OperatorAuth} and {@link AccessRules} (a clinic account reads
 *       only its own clinics, named by {@code location}): {@code GET /fhir/Appointment?location=&date=} and
 *       {@code GET /fhir/Immunization?location=&date=}, searchset Bundles paged by {@code _count} and
 *       {@code _offset} with a {@code next} link;</li>
 *   <li>public: the {@code CapabilityStatement} at {@code /fhir/metadata}, and the SMART Scheduling Links
 *       manifest at {@code /fhir/$bulk-publish} with its NDJSON files under {@code /fhir/bulk/}, served
 *       from memory ({@link BulkPublication}) with an ETag and {@code Cache-Control}.</li>
 * </ul>
 * Resources are {@code application/fhir+json}; errors are the project's problem JSON (RFC 9457), like
 * every other API of Orderly (docs/decisions.md).
 */
final class FhirRoutes {

    static final String APPOINTMENTS = "/fhir/Appointment";
    static final String IMMUNIZATIONS = "/fhir/Immunization";
    private static final int DEFAULT_COUNT = 50;
    private static final int MAX_COUNT = 200;
    private static final String BULK_CACHE = "public, max-age=5";

    private final HttpApi api;
    private final FhirReads reads;
    private final FhirResources resources;
    private final BulkPublication bulk;

    FhirRoutes(HttpApi api, FhirReads reads, FhirResources resources, BulkPublication bulk) {
        this.api = api;
        this.reads = reads;
        this.resources = resources;
        this.bulk = bulk;
    }

    void mount(Router router, OperatorAuth guard) {
        router.get(APPOINTMENTS).handler(guard::handle);
        router.get(IMMUNIZATIONS).handler(guard::handle);
        router.get(APPOINTMENTS).handler(ctx -> search(ctx, "Appointment",
                q -> reads.appointments(q.clinicId, q.day, q.offset, q.count + 1).stream().map(a -> (Resource) resources.appointment(a)).toList()));
        router.get(IMMUNIZATIONS).handler(ctx -> search(ctx, "Immunization",
                q -> reads.immunizations(q.clinicId, q.day, q.offset, q.count + 1).stream().map(i -> (Resource) resources.immunization(i)).toList()));
        router.get("/fhir/metadata").handler(ctx -> resource(ctx, () -> capabilities(base(ctx))));
        router.get("/fhir/$bulk-publish").handler(this::manifest);
        router.get("/fhir/bulk/:file").handler(this::bulkFile);
    }

    private record Query(long clinicId, LocalDate day, int offset, int count) {
    }

    private void search(RoutingContext ctx, String type, Function<Query, List<Resource>> find) {
        Query q = query(ctx);
        resource(ctx, () -> {
            if (reads.clinic(q.clinicId).isEmpty()) {
                return null;
            }
            List<Resource> found = find.apply(q);
            String base = base(ctx);
            Bundle b = new Bundle();
            b.setType(Bundle.BundleType.SEARCHSET);
            b.setTimestampElement(FhirResources.inSeoul(api.clock().instant()));
            b.addLink().setRelation("self").setUrl(page(base, type, q, q.offset));
            if (found.size() > q.count) {
                b.addLink().setRelation("next").setUrl(page(base, type, q, q.offset + q.count));
            }
            found.stream().limit(q.count).forEach(r -> b.addEntry().setFullUrl(base + "/fhir/" + type + "/" + r.getIdElement().getIdPart())
                    .setResource(r).getSearch().setMode(Bundle.SearchEntryMode.MATCH));
            return b;
        });
    }

    private static String page(String base, String type, Query q, int offset) {
        return base + "/fhir/" + type + "?location=" + q.clinicId + "&date=" + q.day + "&_count=" + q.count + "&_offset=" + offset;
    }

    private static Query query(RoutingContext ctx) {
        String location = ctx.queryParams().get("location");
        String date = ctx.queryParams().get("date");
        if (location == null || date == null) {
            throw new BadRequest("search by 'location' (a clinic id, or Location/<id>) and 'date' (yyyy-mm-dd, Seoul)");
        }
        long clinicId = JsonInput.wholeNumber("location", location.startsWith("Location/") ? location.substring("Location/".length())
                : location, -1, 0, Integer.MAX_VALUE);
        LocalDate day = JsonInput.date("date", date.startsWith("eq") ? date.substring(2) : date);
        int count = JsonInput.wholeNumber("_count", ctx.queryParams().get("_count"), DEFAULT_COUNT, 1, MAX_COUNT);
        int offset = JsonInput.wholeNumber("_offset", ctx.queryParams().get("_offset"), 0, 0, 1_000_000);
        return new Query(clinicId, day, offset, count);
    }

    /** Runs {@code work} off the event loop; answers its resource as FHIR JSON, or 404 when it gives none. */
    private void resource(RoutingContext ctx, Supplier<IBaseResource> work) {
        Context context = Vertx.currentContext();
        api.blockingWork().execute(() -> {
            String json;
            try {
                IBaseResource r = work.get();
                json = r == null ? null : FhirJson.compact(r);
            } catch (RuntimeException e) {
                context.runOnContext(v -> ctx.fail(e));
                return;
            }
            context.runOnContext(v -> {
                if (json == null) {
                    api.send(ctx, Reply.problem(ProblemType.UNKNOWN_CLINIC, "no clinic " + ctx.queryParams().get("location")));
                } else {
                    ctx.response().putHeader("Content-Type", FhirJson.MEDIA_TYPE + "; charset=utf-8").putHeader("Cache-Control", "no-store")
                            .end(json);
                }
            });
        });
    }

    private static String base(RoutingContext ctx) {
        return ctx.request().scheme() + "://" + ctx.request().authority();
    }

    private CapabilityStatement capabilities(String base) {
        CapabilityStatement c = new CapabilityStatement();
        c.setStatus(Enumerations.PublicationStatus.ACTIVE);
        c.setDateElement(new org.hl7.fhir.r4.model.DateTimeType(FhirResources.inSeoul(api.clock().instant()).getValue(), ca.uhn.fhir.model.api.TemporalPrecisionEnum.SECOND, java.util.TimeZone.getTimeZone("Asia/Seoul")));
        c.setKind(CapabilityStatement.CapabilityStatementKind.INSTANCE);
        c.setFhirVersion(Enumerations.FHIRVersion._4_0_1);
        c.addFormat("json");
        c.getSoftware().setName("Orderly");
        c.getImplementation().setDescription("Orderly vaccine reservations: clinics' appointments and doses given, "
                + "public availability as SMART Scheduling Links at /fhir/$bulk-publish").setUrl(base + "/fhir");
        CapabilityStatement.CapabilityStatementRestComponent rest = c.addRest().setMode(CapabilityStatement.RestfulCapabilityMode.SERVER);
        rest.getSecurity().setDescription("Staff sign-in (session cookie) or the machine token as 'Authorization: Bearer'; "
                + "a clinic account reads only its own clinics");
        for (String type : List.of("Appointment", "Immunization")) {
            CapabilityStatement.CapabilityStatementRestResourceComponent r = rest.addResource().setType(type);
            r.addInteraction().setCode(CapabilityStatement.TypeRestfulInteraction.SEARCHTYPE);
            r.addSearchParam().setName("location").setType(Enumerations.SearchParamType.REFERENCE)
                    .setDocumentation("required: the clinic (Location id)");
            r.addSearchParam().setName("date").setType(Enumerations.SearchParamType.DATE).setDocumentation("required: the day, in Seoul");
        }
        return c;
    }

    private void manifest(RoutingContext ctx) {
        withFiles(ctx, files -> {
            String base = base(ctx);
            JsonArray output = new JsonArray();
            BulkPublication.TYPES.forEach(t -> output.add(new JsonObject().put("type", t).put("url", base + "/fhir/bulk/" + t + ".ndjson")));
            String body = new JsonObject().put("transactionTime", files.transactionTime().toString())
                    .put("request", base + "/fhir/$bulk-publish").put("output", output).put("error", new JsonArray()).encode();
            cached(ctx, files.etag(), "application/json; charset=utf-8", body);
        });
    }

    private void bulkFile(RoutingContext ctx) {
        String file = ctx.pathParam("file");
        String type = file.endsWith(".ndjson") ? file.substring(0, file.length() - ".ndjson".length()) : "";
        if (!BulkPublication.TYPES.contains(type)) {
            api.send(ctx, Reply.problem(ProblemType.NOT_FOUND, "no bulk file " + file + "; the manifest at /fhir/$bulk-publish lists them"));
            return;
        }
        withFiles(ctx, files -> cached(ctx, files.etag(), "application/fhir+ndjson", files.ndjson().get(type)));
    }

    /** Answers with the files once there are any; a failed first build is a 503 to retry. */
    private void withFiles(RoutingContext ctx, java.util.function.Consumer<BulkPublication.Files> answer) {
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
        bulk.served(api.blockingWork()).whenComplete((files, failure) -> context.runOnContext(v -> {
            if (ctx.response().closed() || ctx.response().ended()) {
                return;
            }
            if (failure != null) {
                notYet(ctx);
            } else {
                answer.accept(files);
            }
        }));
    }

    private static void cached(RoutingContext ctx, String etag, String contentType, String body) {
        ctx.response().putHeader("ETag", etag).putHeader("Cache-Control", BULK_CACHE);
        if (etag.equals(ctx.request().getHeader("If-None-Match"))) {
            ctx.response().setStatusCode(304).end();
            return;
        }
        ctx.response().putHeader("Content-Type", contentType).end(body);
    }

    private void notYet(RoutingContext ctx) {
        api.send(ctx, Reply.problem(ProblemType.NOT_READY, "the availability files could not be built just now (the database is busy or away); try again in a few seconds")
                .header("Retry-After", "5"));
    }
}
