package dev.orderly.booking;

import java.util.Set;

/**
 * A place that gives vaccinations.
 *
 * @param products codes of the products it offers
 */
public record Clinic(long id, String name, String province, String district, String address, Set<String> products) {
    public Clinic {
        products = Set.copyOf(products);
    }
}
