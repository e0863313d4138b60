package dev.orderly.standby;

import dev.orderly.clinic.ClinicStore;
import dev.orderly.clinic.Unattended;
import dev.orderly.time.SeoulCalendar;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Releases from no-shows, made by Orderly itself: once a day, after a set time (Seoul), the doses
 * booked for today whose appointments are neither checked in, given nor marked no-show are released
 * to the standby list, per clinic and vaccine, through {@link StandbyService#release} as
 * {@link Release#SYSTEM} in join order. The store makes each clinic, day and vaccine at most one
 * such release whatever the nodes do; this node also stops asking once its pass of the day is done.
 *
 * <p>Those people may still come: their places stay booked. The doses released are added places,
 * for the vials that would otherwise be thrown away at the end of the day.
 */
public final class NoShowReleases {

    private final ClinicStore clinics;
    private final StandbyService standby;
    private final Clock clock;
    private final LocalTime after;
    private final Consumer<StandbyService.ReleaseOutcome.Released> made;
    private LocalDate doneFor;

    /**
     * @param after the time of day (Seoul) from which today's unattended doses are released
     * @param made  told of each release made (the server writes its audit entry)
     */
    public NoShowReleases(ClinicStore clinics, StandbyService standby, Clock clock, LocalTime after,
                          Consumer<StandbyService.ReleaseOutcome.Released> made) {
        this.clinics = Objects.requireNonNull(clinics, "clinics");
        this.standby = Objects.requireNonNull(standby, "standby");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.after = Objects.requireNonNull(after, "after");
        this.made = Objects.requireNonNull(made, "made");
    }

    /** Runs today's pass if it is time and it has not run on this node; the releases this call made. */
    public synchronized List<Release> step() {
        Instant now = clock.instant();
        LocalDate today = SeoulCalendar.dateAt(now);
        if (today.equals(doneFor) || now.atZone(SeoulCalendar.ZONE).toLocalTime().isBefore(after)) {
            return List.of();
        }
        List<Release> released = new ArrayList<>();
        for (Unattended u : clinics.unattended(today)) {
            int doses = Math.min(u.appointments(), Release.MAX_DOSES);
            if (standby.release(u.clinicId(), u.product(), doses, FairOrder.JOINED, Release.SYSTEM)
                    instanceof StandbyService.ReleaseOutcome.Released r) {
                made.accept(r);
                released.add(r.release());
            }
        }
        doneFor = today;
        return released;
    }
}
