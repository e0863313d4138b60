package dev.orderly.server.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;

/** The HAPI FHIR R4 validator with the base profiles: a test fails on any error it reports. */
public final class FhirValidation {

    private static final class Holder {
        static final FhirValidator VALIDATOR = make();
    }

    private FhirValidation() {
    }

    private static FhirValidator make() {
        var ctx = FhirJson.context();
        ValidationSupportChain chain = new ValidationSupportChain(new DefaultProfileValidationSupport(ctx),
                new InMemoryTerminologyServerValidationSupport(ctx), new CommonCodeSystemsTerminologyService(ctx));
        FhirInstanceValidator instance = new FhirInstanceValidator(chain);
        // Codes of Orderly's own systems (products, pseudonyms) cannot be looked up; they are not errors.
        instance.setNoTerminologyChecks(false);
        FhirValidator v = ctx.newValidator();
        v.registerValidatorModule(instance);
        return v;
    }

    /** The errors (and fatal errors) the validator finds in {@code json}, as "location: message". */
    public static List<String> errors(String json) {
        return errors(Holder.VALIDATOR.validateWithResult(json));
    }

    public static List<String> errors(IBaseResource resource) {
        return errors(Holder.VALIDATOR.validateWithResult(resource));
    }

    private static List<String> errors(ValidationResult result) {
        return result.getMessages().stream()
                .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
                .map(m -> m.getLocationString() + ": " + m.getMessage()).toList();
    }

    public static void assertValid(String what, String json) {
        assertThat(errors(json)).as("FHIR validation errors in %s:%n%s", what, json).isEmpty();
    }
}
