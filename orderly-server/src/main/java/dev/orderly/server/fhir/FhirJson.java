package dev.orderly.server.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * The one FHIR R4 context of the process. Making it scans the whole R4 model (about a second and
 * tens of MB, see docs/benchmarks.md), so it is made once, on first use, never per request, and
 * never at all on a node that serves no FHIR.
 */
public final class FhirJson {

    public static final String MEDIA_TYPE = "application/fhir+json";

    private FhirJson() {
    }

    private static final class Holder {
        static final FhirContext CONTEXT = FhirContext.forR4();
    }

    public static FhirContext context() {
        return Holder.CONTEXT;
    }

    /** JSON of {@code resource} on one line (parsers are not thread-safe: a new one each call is cheap). */
    public static String compact(IBaseResource resource) {
        return parser().setPrettyPrint(false).encodeResourceToString(resource);
    }

    public static String pretty(IBaseResource resource) {
        return parser().setPrettyPrint(true).encodeResourceToString(resource);
    }

    public static IParser parser() {
        return context().newJsonParser();
    }
}
