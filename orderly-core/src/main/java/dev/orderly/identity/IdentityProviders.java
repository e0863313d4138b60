package dev.orderly.identity;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The identity methods a deployment offers: each provider with a gate of its own and that gate's
 * admission rate (the provider's capacity). People are sorted by method in front of verification,
 * as in August 2021: each method's line moves at the pace of its own provider.
 */
public final class IdentityProviders {

    private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,32}");

    /**
     * One method.
     *
     * @param provider       the provider
     * @param gate           the gate in front of it (1-32 of a-z 0-9 -)
     * @param admitPerSecond the provider's capacity: people admitted per second through its gate
     */
    public record Method(IdentityProvider provider, String gate, double admitPerSecond) {
        public Method {
            Objects.requireNonNull(provider, "provider");
            if (provider.name() == null || !NAME.matcher(provider.name()).matches()) {
                throw new IllegalArgumentException("provider name '" + provider.name() + "' must be 1-32 of a-z 0-9 -");
            }
            if (gate == null || !NAME.matcher(gate).matches()) {
                throw new IllegalArgumentException("gate '" + gate + "' must be 1-32 of a-z 0-9 -");
            }
            if (!(admitPerSecond > 0) || Double.isInfinite(admitPerSecond)) {
                throw new IllegalArgumentException("provider '" + provider.name() + "': admitPerSecond must be positive, was " + admitPerSecond);
            }
        }

        public String name() {
            return provider.name();
        }
    }

    private final Map<String, Method> byName = new LinkedHashMap<>();

    /** @param methods at least one; the first is the primary method (the one the pages use) */
    public IdentityProviders(List<Method> methods) {
        if (methods.isEmpty()) {
            throw new IllegalArgumentException("at least one identity method is needed");
        }
        Map<String, String> gates = new LinkedHashMap<>();
        for (Method m : methods) {
            if (byName.putIfAbsent(m.name(), m) != null) {
                throw new IllegalArgumentException("two identity providers are named '" + m.name() + "'");
            }
            String other = gates.putIfAbsent(m.gate(), m.name());
            if (other != null) {
                throw new IllegalArgumentException("providers '" + other + "' and '" + m.name() + "' share gate '" + m.gate()
                        + "'; each needs its own");
            }
        }
    }

    public Method primary() {
        return byName.values().iterator().next();
    }

    public Optional<Method> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public List<Method> all() {
        return List.copyOf(byName.values());
    }
}
