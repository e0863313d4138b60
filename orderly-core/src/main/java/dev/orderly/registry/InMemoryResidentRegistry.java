package dev.orderly.registry;

import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A registry held in memory: the reference model for tests. It keeps resident numbers as given
 * (in memory only, never stored), so it is not for production data.
 */
public final class InMemoryResidentRegistry implements ResidentRegistry {

    private final Map<Long, Person> byId = new ConcurrentHashMap<>();
    private final Map<String, Long> byResidentNumber = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(1);

    public InMemoryResidentRegistry add(Person person) {
        byId.put(person.id(), person);
        nextId.accumulateAndGet(person.id() + 1, Math::max);
        return this;
    }

    public InMemoryResidentRegistry add(Person person, String residentNumber) {
        add(person);
        byResidentNumber.put(residentNumber, person.id());
        return this;
    }

    /** Adds {@code record} as a new resident, or updates the one with its resident number; returns the id. */
    public synchronized long put(ResidentRecord record) {
        long id = byResidentNumber.computeIfAbsent(record.residentNumber(), n -> nextId.getAndIncrement());
        byId.put(id, new Person(id, record.name(), record.birthDate(), record.phone()));
        return id;
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

    @Override
    public Optional<Person> byResidentNumber(String residentNumber) {
        return Optional.ofNullable(byResidentNumber.get(residentNumber)).map(byId::get);
    }
}
