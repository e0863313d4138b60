package dev.orderly.booking;

import java.util.List;

/** A province (시·도) and its districts (시·군·구) that have clinics. */
public record Region(String province, List<String> districts) {
    public Region {
        districts = List.copyOf(districts);
    }
}
