package dev.orderly.booking;

import java.util.Objects;
import java.util.Set;

/**
 * A place that gives vaccinations.
 *
 * @param products   codes of the products it offers
 * @param nameEn     its name in English (romanized is fine), or empty when it has none: pages then show {@code name}
 * @param provinceEn its province in English, or empty
 * @param districtEn its district in English, or empty
 * @param phone      its telephone number as people dial it (e.g. {@code 02-123-4567}), or empty when unknown
 */
public record Clinic(long id, String name, String province, String district, String address, Set<String> products,
                     String nameEn, String provinceEn, String districtEn, String phone) {
    public Clinic {
        products = Set.copyOf(products);
        nameEn = Objects.requireNonNullElse(nameEn, "");
        provinceEn = Objects.requireNonNullElse(provinceEn, "");
        districtEn = Objects.requireNonNullElse(districtEn, "");
        phone = Objects.requireNonNullElse(phone, "");
    }

    /** A clinic known by its Korean names only, without a telephone number. */
    public Clinic(long id, String name, String province, String district, String address, Set<String> products) {
        this(id, name, province, district, address, products, "", "", "", "");
    }
}
