package dev.orderly.booking;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A province (시·도) and its districts (시·군·구) that have clinics.
 *
 * @param provinceEn  the province in English, or empty when it has no English name
 * @param districtsEn district (as in {@code districts}) → its English name, for those that have one
 */
public record Region(String province, List<String> districts, String provinceEn, Map<String, String> districtsEn) {
    public Region {
        districts = List.copyOf(districts);
        provinceEn = Objects.requireNonNullElse(provinceEn, "");
        districtsEn = Map.copyOf(districtsEn);
    }

    /** A region known by its Korean names only. */
    public Region(String province, List<String> districts) {
        this(province, districts, "", Map.of());
    }
}
