package dev.orderly.server.fhir;

import dev.orderly.server.fhir.FhirRows.ClinicRow;
import dev.orderly.server.fhir.FhirRows.SlotRow;
import dev.orderly.server.fhir.FhirRows.Vaccine;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The public availability as SMART Scheduling Links: NDJSON files of Location, Schedule and Slot,
 * rebuilt by a timer every few seconds ({@link #rebuild}), never per request, and served from memory
 * with an ETag, so a CDN in front can answer every app in the country while the database sees one
 * read per period. A Slot is one clinic-day of one vaccine; its {@code slot-capacity} is the free
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
    private final AtomicReference<Files> current = new AtomicReference<>();

    public BulkPublication(FhirReads reads, FhirResources resources, Clock clock) {
        this.reads = reads;
        this.resources = resources;
        this.clock = clock;
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
