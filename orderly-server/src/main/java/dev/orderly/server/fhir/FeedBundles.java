package dev.orderly.server.fhir;

import dev.orderly.server.fhir.FhirOutbox.Event;
import dev.orderly.server.fhir.FhirRows.AppointmentRow;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Resource;

/**
 * The transaction Bundle that reports one outbox event. It carries the resources' state when it is
 * sent, each as a {@code PUT} to its stable id: delivering it twice, or delivering an older event
 * after the state moved on, leaves the registry with the same resources. The Bundle's identifier is
 * the outbox row's id, for a registry that wants to drop repeats.
 */
public final class FeedBundles {

    public static final String EVENT_SYSTEM = "https://orderly.dev/fhir/sid/feed-event";

    private final FhirReads reads;
    private final FhirResources resources;

    public FeedBundles(FhirReads reads, FhirResources resources) {
        this.reads = reads;
        this.resources = resources;
    }

    public Bundle of(Event e, java.time.Instant now) {
        Bundle b = new Bundle();
        b.setType(Bundle.BundleType.TRANSACTION);
        b.setIdentifier(new Identifier().setSystem(EVENT_SYSTEM).setValue(Long.toString(e.id())));
        b.setTimestampElement(FhirResources.inSeoul(now));
        put(b, resources.patient(e.personId()));
        List<AppointmentRow> doses = reads.appointmentsOf(e.reference());
        doses.stream().findFirst().flatMap(a -> reads.clinic(a.clinicId())).ifPresent(c -> {
            put(b, resources.organization(c));
            put(b, resources.location(c));
        });
        for (AppointmentRow a : doses) {
            if (e.dose() == 0 || a.dose() == e.dose()) {
                put(b, resources.appointment(a));
            }
        }
        if (e.dose() > 0) {
            Optional.of(e).filter(x -> "DOSE_GIVEN".equals(x.kind())).flatMap(x -> reads.immunization(x.reference(), x.dose()))
                    .ifPresent(i -> put(b, resources.immunization(i)));
        }
        return b;
    }

    private static void put(Bundle b, Resource r) {
        String url = r.fhirType() + "/" + r.getIdElement().getIdPart();
        b.addEntry().setFullUrl("urn:orderly:" + url).setResource(r).getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(url);
    }
}
