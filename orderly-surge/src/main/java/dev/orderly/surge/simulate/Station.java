package dev.orderly.surge.simulate;

import java.util.ArrayDeque;
import java.util.function.DoubleSupplier;

/**
 * A queue in front of {@code servers} identical servers, first come first served, simulated one
 * request at a time on an {@link EventLoop}: the exact model the aggregate {@link Resource} is
 * checked against, and the textbook queue (M/D/1, M/M/c) the engine is tested on.
 *
 * <p>It keeps the figures Little's law relates: the time integral of the number in the system,
 * arrivals, and the summed time in the system and in the queue of every request that left.
 */
public final class Station {

    private final EventLoop loop;
    private final int servers;
    private final DoubleSupplier serviceTime;
    private final ArrayDeque<double[]> waiting = new ArrayDeque<>();
    private int busy;
    private long inSystem;
    private double lastChange;
    private double areaInSystem;
    private long arrivals;
    private long departures;
    private double sumSojourn;
    private double sumWait;
    private final java.util.function.DoubleConsumer onWait;

    /**
     * @param servers     servers working in parallel, at least 1
     * @param serviceTime draws one service time, in seconds
     * @param onWait      told each request's time in the queue (before service), when it starts service
     */
    public Station(EventLoop loop, int servers, DoubleSupplier serviceTime, java.util.function.DoubleConsumer onWait) {
        if (servers < 1) {
            throw new IllegalArgumentException("servers must be at least 1, was " + servers);
        }
        this.loop = loop;
        this.servers = servers;
        this.serviceTime = serviceTime;
        this.onWait = onWait;
    }

    /** A request arrives now. */
    public void arrive() {
        account();
        arrivals++;
        inSystem++;
        double arrivedAt = loop.now();
        if (busy < servers) {
            start(arrivedAt);
        } else {
            waiting.addLast(new double[] {arrivedAt});
        }
    }

    private void start(double arrivedAt) {
        busy++;
        double wait = loop.now() - arrivedAt;
        sumWait += wait;
        onWait.accept(wait);
        loop.after(serviceTime.getAsDouble(), l -> depart(arrivedAt));
    }

    private void depart(double arrivedAt) {
        account();
        busy--;
        inSystem--;
        departures++;
        sumSojourn += loop.now() - arrivedAt;
        double[] next = waiting.pollFirst();
        if (next != null) {
            start(next[0]);
        }
    }

    private void account() {
        areaInSystem += inSystem * (loop.now() - lastChange);
        lastChange = loop.now();
    }

    /** Time-average number in the system since the start, up to now. */
    public double meanInSystem() {
        account();
        return loop.now() > 0 ? areaInSystem / loop.now() : 0;
    }

    public long arrivals() {
        return arrivals;
    }

    public long departures() {
        return departures;
    }

    public long inSystem() {
        return inSystem;
    }

    /** Mean time in the system (queue and service) of the requests that left, seconds. */
    public double meanSojourn() {
        return departures == 0 ? 0 : sumSojourn / departures;
    }

    /** Mean time in the queue of the requests that started service, seconds. */
    public double meanWait() {
        long started = departures + busy;
        return started == 0 ? 0 : sumWait / started;
    }
}
