package dev.orderly.watch;

import dev.orderly.registry.Person;
import java.time.LocalDate;
import java.util.List;

/**
 * The canary's residents: flagged in the registry as synthetic, so no figure, tally, message or
 * sample ever counts them. One per {@code slot} (a minute of the day), so each verifies once a day
 * and stays far inside the daily code quotas that hold for real people.
 */
public interface SyntheticResidents {

    /** Minutes in a day: one synthetic resident for each. */
    int SLOTS = 1440;

    /** The synthetic resident of {@code slot}, made if missing, now born on {@code birthDate}. */
    Person prepare(int slot, LocalDate birthDate);

    /** The phone number of {@code slot}'s resident (digits). */
    static String phone(int slot) {
        if (slot < 0 || slot >= SLOTS) {
            throw new IllegalArgumentException("slot " + slot + " is outside 0.." + (SLOTS - 1));
        }
        // 010-0000-xxxx: a valid mobile number in form, never issued to anyone.
        return "0100000" + String.format(java.util.Locale.ROOT, "%04d", slot);
    }

    /** Synthetic residents who still hold an active reservation (a walk that stopped before it cancelled). */
    List<Long> holdingReservations();
}
