package dev.orderly.eligibility;

import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * Port: who is on which special-group list (teachers, carers, reservists…). Lists are uploaded
 * by operators; see {@link SpecialGroupUpload}. Implementations must be safe for concurrent use,
 * and each write must be all or nothing.
 */
public interface SpecialGroupStore {

    /** A resident on a group's list. */
    record Member(long residentId, String group) {
    }

    /** The groups {@code residentId} is a member of; empty when none. */
    Set<String> groupsOf(long residentId);

    /**
     * In one step: makes every one of {@code members} a member (already being one is fine), and,
     * for each group in {@code replacing}, removes everyone not among {@code members}.
     */
    void write(Collection<Member> members, Set<String> replacing);

    /** Every group that has members, with how many, in group order. */
    Map<String, Integer> sizes();
}
