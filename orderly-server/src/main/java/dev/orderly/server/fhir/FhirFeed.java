package dev.orderly.server.fhir;

import dev.orderly.server.fhir.FhirOutbox.Event;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox's FHIR events to the registry's endpoint, apart from booking: a registry that
 * is slow or down only grows the backlog (a metric, and the watchdog's outbox rule).
 *
 * <p>At least once, in order per person: a batch of heads (each person's oldest undelivered event) is
 * leased, each event's Bundle POSTed to the endpoint's base, then marked. A failure is retried after
 * 2^attempts seconds (at most 5 minutes) and holds back that person's later events, not anyone
 * else's. A node that dies mid-batch leaves its lease to run out, and the events go again; the
 * Bundle's PUTs to stable ids make the repeat harmless.
 */
public final class FhirFeed {

    private static final Logger LOG = LoggerFactory.getLogger(FhirFeed.class);
    /** A batch sends one event after another: BATCH x TIMEOUT stays well inside the lease, so no other node takes them meanwhile. */
    private static final int BATCH = 10;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration LEASE = Duration.ofMinutes(2);

    private final FhirOutbox outbox;
    private final FeedBundles bundles;
    private final URI endpoint;
    private final Optional<String> bearer;
    private final Clock clock;
    private final HttpClient http;

    public FhirFeed(FhirOutbox outbox, FeedBundles bundles, URI endpoint, Optional<String> bearer, Clock clock) {
        this.outbox = outbox;
        this.bundles = bundles;
        this.endpoint = endpoint;
        this.bearer = bearer;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    /** Delivers what is due; returns how many events were delivered. Call off the event loop. */
    public int deliverDue() {
        Instant now = clock.instant();
        List<Event> due = outbox.leaseDue(now, now.plus(LEASE), BATCH);
        int delivered = 0;
        Set<Long> failedPeople = new HashSet<>();
        for (Event e : due) {
            if (failedPeople.contains(e.personId())) {
                continue;
            }
            Optional<String> error = send(e);
            Instant done = clock.instant();
            if (error.isEmpty()) {
                outbox.delivered(e.id(), done);
                delivered++;
            } else {
                failedPeople.add(e.personId());
                outbox.failed(e.id(), done.plus(Duration.ofSeconds(Math.min(300, 1L << Math.min(e.attempts() + 1, 12)))), error.get());
                LOG.warn("FHIR event {} ({}) not delivered (attempt {}): {}", e.id(), e.kind(), e.attempts() + 1, error.get());
            }
        }
        return delivered;
    }

    private Optional<String> send(Event e) {
        try {
            String body = FhirJson.compact(bundles.of(e, clock.instant()));
            HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(TIMEOUT)
                    .header("Content-Type", FhirJson.MEDIA_TYPE).header("Accept", FhirJson.MEDIA_TYPE)
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            bearer.ifPresent(t -> request.header("Authorization", "Bearer " + t));
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 == 2) {
                return Optional.empty();
            }
            String text = response.body() == null ? "" : response.body();
            return Optional.of("HTTP " + response.statusCode() + " " + text.substring(0, Math.min(200, text.length())));
        } catch (IOException | RuntimeException ex) {
            return Optional.of(ex.getClass().getSimpleName() + ": " + ex.getMessage());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }
}
