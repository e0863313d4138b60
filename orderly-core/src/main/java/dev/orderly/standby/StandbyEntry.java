package dev.orderly.standby;

import dev.orderly.booking.Clinic;
import java.time.Instant;
import java.time.LocalTime;
import java.util.Objects;
import java.util.Set;

/**
 * A verified person on the standby list for leftover doses.
 *
 * @param districts where they can go, as whole districts (any clinic there)
 * @param clinicIds where they can go, as chosen clinics
 * @param from      the earliest Seoul wall-clock time they can come (inclusive)
 * @param to        the latest (exclusive); after {@code from}
 * @param consentAt when they agreed to be called (joining without consent is refused)
 * @param joinedAt  when they first joined: a change of areas or hours keeps their place
 */
public record StandbyEntry(long personId, Set<District> districts, Set<Long> clinicIds, LocalTime from, LocalTime to,
                           Instant consentAt, Instant joinedAt) {

    /** Most districts plus clinics one entry may name: enough for a commute, not the country. */
    public static final int MAX_AREAS = 20;

    /** A province and one of its districts, as the clinics are filed. */
    public record District(String province, String district) {
        public District {
            Objects.requireNonNull(province, "province");
            Objects.requireNonNull(district, "district");
        }
    }

    public StandbyEntry {
        districts = Set.copyOf(districts);
        clinicIds = Set.copyOf(clinicIds);
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(consentAt, "consentAt");
        Objects.requireNonNull(joinedAt, "joinedAt");
        if (districts.isEmpty() && clinicIds.isEmpty()) {
            throw new IllegalArgumentException("a standby entry needs at least one district or clinic");
        }
        if (districts.size() + clinicIds.size() > MAX_AREAS) {
            throw new IllegalArgumentException("a standby entry names at most " + MAX_AREAS + " districts and clinics");
        }
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("the hours must end after they begin: " + from + " to " + to);
        }
    }

    /** Whether {@code clinic} lies in a district named here or is one of the chosen clinics. */
    public boolean covers(Clinic clinic) {
        return clinicIds.contains(clinic.id()) || districts.contains(new District(clinic.province(), clinic.district()));
    }

    /** Whether {@code time} (Seoul wall clock) is within the hours they can come. */
    public boolean availableAt(LocalTime time) {
        return !time.isBefore(from) && time.isBefore(to);
    }

    /** This entry with new areas and hours, keeping its place in the list. */
    public StandbyEntry keepingPlaceOf(StandbyEntry earlier) {
        return new StandbyEntry(personId, districts, clinicIds, from, to, consentAt, earlier.joinedAt());
    }
}
