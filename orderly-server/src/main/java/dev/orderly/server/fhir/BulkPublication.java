package dev.orderly.server.fhir;

import dev.orderly.server.fhir.FhirRows.ClinicRow;
import dev.orderly.server.fhir.FhirRows.SlotRow;
import dev.orderly.server.fhir.FhirRows.Vaccine;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The public availability as SMART Scheduling Links: NDJSON files of Location, Schedule and Slot,
 * served from memory with an ETag and rebuilt at most once a period, so a CDN in front can answer
 * every app in the country while the database sees one read per period. Built when asked for
 * ({@link #served}): the first request waits for the first build, later ones get the last build
 * at once and start the next when it is older than the period. A node nobody asks (and every test
 * that never reads the files) spends nothing on it: a build encodes tens of thousands of Slots. A Slot is one clinic-day of one vaccine; its {@code slot-capacity} is the free
 * places ({@code capacity - booked}, 0 on a closed day), and it is {@code busy} when none are left.
 */
public final class BulkPublication {

    public static final List<String> TYPES = List.of("Location", "Schedule", "Slot");
    private static final ZoneId SEOUL = ZoneId.of("Asia/Seoul");

    /** One build: the files by type, when they were made, and their ETag. */
    public record Files(Instant transactionTime, Map<String, String> ndjson, String etag) {
    }

    private final FhirReads reads;
    private final FhirResources resources;
    private final Clock clock;
    private final Duration every;
    private final AtomicReference<Files> current = new AtomicReference<>();
    /** When the last build finished (the files' own time stays put while their content does). */
    private volatile Instant builtAt = Instant.MIN;
    /** The build in progress, if any: one at a time, shared by everyone who waits for it. */
    private final AtomicReference<CompletableFuture<Files>> building = new AtomicReference<>();

    public BulkPublication(FhirReads reads, FhirResources resources, Clock clock, Duration every) {
        this.reads = reads;
        this.resources = resources;
        this.clock = clock;
        this.every = every;
    }

    /**
     * The files for a request: the last build, starting the next one on {@code blocking} when it is
     * older than the period; or, before any build, the first one when it is done.
     */
    public CompletionStage<Files> served(Executor blocking) {
        Files last = current.get();
        if (last == null) {
            return build(blocking);
        }
        if (!clock.instant().isBefore(builtAt.plus(every))) {
            build(blocking);
        }
        return CompletableFuture.completedFuture(last);
    }

    private CompletableFuture<Files> build(Executor blocking) {
        CompletableFuture<Files> mine = new CompletableFuture<>();
        CompletableFuture<Files> running = building.compareAndExchange(null, mine);
        if (running != null) {
            return running;
        }
        try {
            blocking.execute(() -> {
                try {
                    mine.complete(rebuild());
                } catch (RuntimeException e) {
                    mine.completeExceptionally(e);
                } finally {
                    building.set(null);
                }
            });
        } catch (RuntimeException rejected) {
            building.set(null);
            mine.completeExceptionally(rejected);
        }
        return mine;
    }

    /** The last build; empty until the first one ran. */
    public Optional<Files> current() {
        return Optional.ofNullable(current.get());
    }

    /** Reads the clinics and their days and replaces the files. Call off the event loop. */
    public Files rebuild() {
        Instant now = clock.instant();
        List<ClinicRow> clinics = reads.clinics();
        List<SlotRow> slots = reads.slots(LocalDate.ofInstant(now, SEOUL));
        StringBuilder locations = new StringBuilder();
        clinics.forEach(c -> locations.append(FhirJson.compact(resources.location(c))).append('\n'));
        Map<String, Vaccine> schedules = new LinkedHashMap<>();
        StringBuilder slotLines = new StringBuilder();
        for (SlotRow s : slots) {
            schedules.putIfAbsent(s.clinicId() + "-" + s.vaccine().code(), s.vaccine());
            slotLines.append(FhirJson.compact(resources.slot(s))).append('\n');
        }
        StringBuilder scheduleLines = new StringBuilder();
        schedules.forEach((key, v) -> scheduleLines.append(FhirJson.compact(resources.schedule(Long.parseLong(key.substring(0,
                key.indexOf('-'))), v))).append('\n'));
        Map<String, String> files = Map.of("Location", locations.toString(), "Schedule", scheduleLines.toString(), "Slot",
                slotLines.toString());
        Files previous = current.get();
        String etag = etag(files);
        // Unchanged content keeps its time and tag, so caches keep their copy.
        Files next = previous != null && previous.etag().equals(etag) ? previous : new Files(now, files, etag);
        current.set(next);
        builtAt = now;
        return next;
    }

    private static String etag(Map<String, String> files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String type : TYPES) {
                sha.update(files.get(type).getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return "\"" + HexFormat.of().formatHex(sha.digest(), 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
