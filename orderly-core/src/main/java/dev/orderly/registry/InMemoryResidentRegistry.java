package dev.orderly.registry;

import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A registry held in memory: for tests and small trials. */
public final class InMemoryResidentRegistry implements ResidentRegistry {

    private final Map<Long, Person> byId = new ConcurrentHashMap<>();

    public InMemoryResidentRegistry add(Person person) {
        byId.put(person.id(), person);
        return this;
    }

    @Override
    public Optional<Person> find(String name, LocalDate birthDate, String phone) {
        return byId.values().stream()
                .filter(p -> p.name().equals(name) && p.birthDate().equals(birthDate) && p.phone().equals(phone))
                .findFirst();
    }

    @Override
    public Optional<Person> byId(long id) {
        return Optional.ofNullable(byId.get(id));
    }
}
