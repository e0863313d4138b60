package dev.orderly.eligibility;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A group of people who may book together: everyone born between two dates (both inclusive,
 * by date, not only year), and, when {@code specialGroup} is set, on that group's uploaded list;
 * during any of its windows, for the products it allows, on their rotation days when
 * {@code rotation} is set.
 *
 * @param id           stable id, e.g. {@code born-1962-1966}: 1-64 of a-z 0-9 and '-'
 * @param name         a name to show
 * @param bornFrom     first birth date in the cohort
 * @param bornTo       last birth date in the cohort
 * @param specialGroup the special group whose members alone belong, or empty for everyone born in range
 * @param products     product codes this cohort may book; at least one
 * @param windows      when the cohort may book; at least one
 * @param rotation     the ten-part rotation, or empty when every day of a window is open to all
 */
public record Cohort(String id, String name, LocalDate bornFrom, LocalDate bornTo, Optional<String> specialGroup,
                     Set<String> products, List<BookingWindow> windows, Optional<Rotation> rotation) {

    /** Ids of cohorts and special groups. */
    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    public Cohort {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(bornFrom, "bornFrom");
        Objects.requireNonNull(bornTo, "bornTo");
        Objects.requireNonNull(specialGroup, "specialGroup");
        Objects.requireNonNull(rotation, "rotation");
        products = Set.copyOf(products);
        windows = List.copyOf(windows);
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("cohort id '" + id + "' must be 1-64 of a-z, 0-9 and '-', starting with a letter or digit");
        }
        if (name.isBlank()) {
            throw new IllegalArgumentException("cohort " + id + " has a blank name");
        }
        if (bornTo.isBefore(bornFrom)) {
            throw new IllegalArgumentException("cohort " + id + ": bornTo " + bornTo + " is before bornFrom " + bornFrom);
        }
        if (products.isEmpty()) {
            throw new IllegalArgumentException("cohort " + id + " allows no product");
        }
        if (windows.isEmpty()) {
            throw new IllegalArgumentException("cohort " + id + " has no booking window");
        }
        specialGroup.ifPresent(g -> {
            if (!ID.matcher(g).matches()) {
                throw new IllegalArgumentException("special group '" + g + "' must be 1-64 of a-z, 0-9 and '-'");
            }
        });
    }

    /** A cohort of everyone born in range, without special group or rotation. */
    public Cohort(String id, String name, LocalDate bornFrom, LocalDate bornTo, Set<String> products, List<BookingWindow> windows) {
        this(id, name, bornFrom, bornTo, Optional.empty(), products, windows, Optional.empty());
    }

    /** Whether someone born on {@code birthDate} is in range (special group aside). */
    public boolean includes(LocalDate birthDate) {
        return !birthDate.isBefore(bornFrom) && !birthDate.isAfter(bornTo);
    }

    /** Whether someone born on {@code birthDate}, member of {@code groups}, belongs to this cohort. */
    public boolean includes(LocalDate birthDate, Set<String> groups) {
        return includes(birthDate) && specialGroup.map(groups::contains).orElse(true);
    }

    /** This cohort with one more window. */
    public Cohort withWindow(BookingWindow window) {
        List<BookingWindow> more = new java.util.ArrayList<>(windows);
        more.add(window);
        more.sort(java.util.Comparator.comparing(BookingWindow::opensAt));
        return new Cohort(id, name, bornFrom, bornTo, specialGroup, products, more, rotation);
    }
}
