package dev.orderly.booking;

/** The memory store against the booking contract. */
class InMemoryBookingStoreTest extends BookingStoreContract {

    @Override
    protected BookingStore newStore() {
        return new InMemoryBookingStore();
    }
}
