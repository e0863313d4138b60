package dev.orderly.staff;

class InMemoryStaffStoreTest extends StaffStoreContract {

    @Override
    protected StaffStore newStore() {
        return new InMemoryStaffStore();
    }
}
