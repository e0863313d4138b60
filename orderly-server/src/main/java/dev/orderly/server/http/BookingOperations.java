package dev.orderly.server.http;

import dev.orderly.eligibility.CohortStore;
import dev.orderly.eligibility.SpecialGroupStore;
import dev.orderly.eligibility.SpecialGroupUpload;

/**
 * What the operator's booking routes need besides the booking store: cohorts, special-group lists
 * and their upload.
 *
 * @param maxUploadBytes largest special-group CSV accepted, in bytes
 */
public record BookingOperations(CohortStore cohorts, SpecialGroupStore specialGroups, SpecialGroupUpload upload, int maxUploadBytes) {
}
