package dev.orderly.server;

import dev.orderly.identity.IdentityProviders;
import dev.orderly.registry.ResidentRegistry;
import java.time.Clock;

/**
 * Makes an extra identity method (a provider, its gate and capacity) once the registry it matches
 * against exists. A real provider is wired the same way; the tests plug a test double in with it.
 */
@FunctionalInterface
public interface IdentityMethodFactory {

    IdentityProviders.Method create(ResidentRegistry registry, Clock clock);
}
