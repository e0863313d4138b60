package dev.orderly.eligibility;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A group of people who may book together: everyone born between two dates (both inclusive),
 * during any of its windows, for the products it allows.
 *
 * @param id       stable id, e.g. {@code born-1962-1966}
 * @param name     a name to show
 * @param bornFrom first birth date in the cohort
 * @param bornTo   last birth date in the cohort
 * @param products product codes this cohort may book
 * @param windows  when the cohort may book; at least one
 */
public record Cohort(String id, String name, LocalDate bornFrom, LocalDate bornTo, Set<String> products,
                     List<BookingWindow> windows) {
    public Cohort {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        products = Set.copyOf(products);
        windows = List.copyOf(windows);
        if (bornTo.isBefore(bornFrom)) {
            throw new IllegalArgumentException("cohort " + id + ": bornTo " + bornTo + " is before bornFrom " + bornFrom);
        }
        if (windows.isEmpty()) {
            throw new IllegalArgumentException("cohort " + id + " has no booking window");
        }
    }

    public boolean includes(LocalDate birthDate) {
        return !birthDate.isBefore(bornFrom) && !birthDate.isAfter(bornTo);
    }
}
