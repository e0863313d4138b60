package dev.orderly.eligibility;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Special-group lists in one node's memory, every operation under one lock: for tests and small trials. */
public final class InMemorySpecialGroupStore implements SpecialGroupStore {

    private final Map<Long, Set<String>> groupsByResident = new HashMap<>();

    @Override
    public synchronized Set<String> groupsOf(long residentId) {
        return Set.copyOf(groupsByResident.getOrDefault(residentId, Set.of()));
    }

    @Override
    public synchronized void write(Collection<Member> members, Set<String> replacing) {
        Set<Member> keep = new HashSet<>(members);
        groupsByResident.forEach((resident, groups) -> groups.removeIf(g -> replacing.contains(g) && !keep.contains(new Member(resident, g))));
        groupsByResident.values().removeIf(Set::isEmpty);
        members.forEach(m -> groupsByResident.computeIfAbsent(m.residentId(), r -> new HashSet<>()).add(m.group()));
    }

    @Override
    public synchronized Map<String, Integer> sizes() {
        Map<String, Integer> sizes = new TreeMap<>();
        groupsByResident.values().forEach(groups -> groups.forEach(g -> sizes.merge(g, 1, Integer::sum)));
        return sizes;
    }
}
