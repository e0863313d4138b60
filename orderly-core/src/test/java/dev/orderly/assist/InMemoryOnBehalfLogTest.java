package dev.orderly.assist;

class InMemoryOnBehalfLogTest extends OnBehalfLogContract {

    @Override
    protected OnBehalfLog newLog() {
        return new InMemoryOnBehalfLog();
    }
}
