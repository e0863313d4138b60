package dev.orderly.identity;

import dev.orderly.registry.Person;
import dev.orderly.registry.ResidentRegistry;
import java.time.Instant;
import java.util.Optional;

/**
 * Port: each person's current session generation, the state behind "one active session per
 * person". Shared by every node (PostgreSQL in a deployment), so a verification on one node ends
 * the session another node is serving.
 *
 * <p>Verifying starts a new generation; a session token carries the generation it was issued in,
 * and is honoured only while that is still the person's current, active generation. Logging out
 * marks the generation inactive. One small record per person who ever verified.
 */
public interface SessionStore {

    /**
     * A person's session generation.
     *
     * @param number the generation, counting from 1
     * @param since  when it began (the verification that started it)
     * @param active false once the person logged out of it
     */
    record Generation(long number, Instant since, boolean active) {
    }

    /** What {@link #begin} did: the new generation, and the one it replaced, as it was. */
    record Begun(Generation current, Optional<Generation> previous) {
    }

    /** Starts the person's next generation, ending whatever session they had; atomic per person. */
    Begun begin(long personId, Instant now);

    /** The person's current generation, or empty if they never verified. */
    Optional<Generation> current(long personId);

    /** A person's current generation and, while it is active, their record in the registry. */
    record Holder(Optional<Generation> generation, Optional<Person> person) {
    }

    /**
     * What {@link #current} answers and, when that generation is active, what {@code registry}
     * holds for the person: an authenticated request needs both. A store that keeps its rows beside
     * the registry's answers both in one round trip (issue #17: every authenticated request asked
     * twice); this default asks one after the other.
     */
    default Holder currentWithPerson(long personId, ResidentRegistry registry) {
        Optional<Generation> generation = current(personId);
        boolean active = generation.filter(Generation::active).isPresent();
        return new Holder(generation, active ? registry.byId(personId) : Optional.empty());
    }

    /** Marks {@code generation} inactive if it is still the person's current one; returns whether it was. */
    boolean end(long personId, long generation);
}
