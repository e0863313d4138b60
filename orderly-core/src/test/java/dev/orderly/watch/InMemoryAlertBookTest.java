package dev.orderly.watch;

class InMemoryAlertBookTest extends AlertBookContract {
    @Override
    protected AlertBook book() {
        return new InMemoryAlertBook();
    }
}
