package dev.orderly.standby;

import dev.orderly.booking.InMemoryBookingStore;
import java.util.List;

/** The memory stores against the standby contract. */
class InMemoryStandbyStoreTest extends StandbyStoreContract {

    private InMemoryStandbyStore standby;

    @Override
    protected Stores newStores() {
        InMemoryBookingStore bookings = new InMemoryBookingStore();
        standby = new InMemoryStandbyStore(bookings);
        return new Stores(bookings, standby);
    }

    @Override
    protected List<String> offerSms(long personId) {
        return standby.outbox().stream().filter(s -> s.personId() == personId).map(InMemoryStandbyStore.Sms::body).toList();
    }
}
