package dev.orderly.clinic;

import java.util.Optional;

/**
 * What the clinic desk recorded about one appointment: the person checked in, the dose given, or
 * that nobody came. Kept apart from the reservation, whose status (active or cancelled) alone
 * drives capacity and the one-appointment rule.
 */
public record Visit(Optional<Stamp> checkedIn, Optional<DoseGiven> given, Optional<Stamp> noShow) {

    /** Nothing recorded yet. */
    public static final Visit NONE = new Visit(Optional.empty(), Optional.empty(), Optional.empty());

    public Visit withCheckIn(Stamp s) {
        return new Visit(Optional.of(s), given, noShow);
    }

    /** A dose given also checks the person in, at the same moment, when the desk skipped that step. */
    public Visit withGiven(DoseGiven g) {
        return new Visit(Optional.of(checkedIn.orElse(g.stamp())), Optional.of(g), noShow);
    }

    public Visit withNoShow(Stamp s) {
        return new Visit(checkedIn, given, Optional.of(s));
    }
}
