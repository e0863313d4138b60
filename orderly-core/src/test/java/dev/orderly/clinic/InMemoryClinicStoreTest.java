package dev.orderly.clinic;

import dev.orderly.booking.InMemoryBookingStore;
import dev.orderly.booking.WorkingSet;
import dev.orderly.registry.Person;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

class InMemoryClinicStoreTest extends ClinicStoreContract {

    private final Map<Long, Person> people = new ConcurrentHashMap<>();
    private InMemoryBookingStore booking;

    @Override
    protected Stores newStores() {
        people.clear();
        booking = new InMemoryBookingStore();
        return new Stores(booking, new InMemoryClinicStore(booking, id -> Optional.ofNullable(people.get(id))));
    }

    @Override
    protected void addResident(long id, String name, LocalDate birthDate) {
        people.put(id, new Person(id, name, birthDate, "0100000" + String.format("%04d", id)));
    }

    @Override
    protected List<String> messageKinds(String reference) {
        return booking.outbox().stream().filter(m -> m.reservation().reference().equals(reference)).map(WorkingSet.Message::kind).toList();
    }
}
