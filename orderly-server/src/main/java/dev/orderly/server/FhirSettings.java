package dev.orderly.server;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The settings of the FHIR feed and the public availability (part of {@link Settings}; the README lists them).
 *
 * @param endpoint     the registry's FHIR base URL that transaction Bundles are POSTed to ({@code ORDERLY_FHIR_ENDPOINT});
 *                     empty (the default): no feed, and no FHIR rows are written to the outbox
 * @param bearer       sent as {@code Authorization: Bearer} to the endpoint ({@code ORDERLY_FHIR_BEARER}); empty: none
 * @param bulkEvery    how often the SMART Scheduling Links files are rebuilt ({@code ORDERLY_FHIR_BULK_SECONDS}, default 5 s)
 */
public record FhirSettings(Optional<URI> endpoint, Optional<String> bearer, Duration bulkEvery) {

    static FhirSettings from(Settings.Reader r) {
        Optional<URI> endpoint = r.optionalText("ORDERLY_FHIR_ENDPOINT").map(v -> {
            try {
                URI u = URI.create(v.endsWith("/") ? v.substring(0, v.length() - 1) : v);
                if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                    throw new IllegalArgumentException("not an http(s) URL");
                }
                return u;
            } catch (IllegalArgumentException e) {
                throw new Settings.InvalidSettingException("ORDERLY_FHIR_ENDPOINT=" + v + " is not an http(s) URL with a host");
            }
        });
        return new FhirSettings(endpoint, r.optionalText("ORDERLY_FHIR_BEARER"),
                Duration.ofSeconds(r.integer("ORDERLY_FHIR_BULK_SECONDS", 5, 1, 3_600)));
    }

    @Override
    public String toString() {
        return "fhir[endpoint=" + endpoint.map(URI::toString).orElse("off") + ", bearer=" + (bearer.isPresent() ? "set" : "none")
                + ", bulkEvery=" + bulkEvery + "]";
    }
}
