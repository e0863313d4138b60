package dev.orderly.surge.simulate;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * What one simulated night predicts. Times are seconds from the opening; counts are people unless
 * named otherwise; NaN where something did not happen (a line that never drained).
 *
 * @param nodes              application nodes simulated
 * @param gateStore          {@code memory} or {@code redis}
 * @param arrived            people who came
 * @param tickets            identity-gate tickets issued (one per browser)
 * @param admitted           people admitted through the identity gate (first ticket of a person used)
 * @param duplicates         tickets admitted after their holder's other ticket (another device)
 * @param unused             tickets admitted whose holder had given up
 * @param booked             people who booked
 * @param notEligible        people told they are not eligible
 * @param leftAfterErrors    people (tabs, for joins) who gave up after failed requests
 * @param identityWait       waits from arrival to noticing admission at the identity gate
 * @param bookingWait        waits from joining the booking gate to noticing admission
 * @param identityDrained    when the identity gate's mark caught up with every ticket for good
 * @param bookingDrained     the same for the booking gate
 * @param ended              when the run ended
 * @param truncated          whether it ended at its time limit with people still in line
 * @param meanQueue          time-average of identity tickets issued and not yet noticed
 * @param firstUnhealthy     first time a protected step was unhealthy (p95 or errors over target), or NaN
 * @param components         each component's capacity and peaks
 * @param requests           each request kind's totals and peak
 * @param samples            one line a second
 * @param events             events the engine fired
 */
public record SimulationResult(int nodes, String gateStore, double arrived, double tickets, double admitted, double duplicates,
                               double unused, double booked, double notEligible, double leftAfterErrors, Waits identityWait, Waits bookingWait,
                               double identityDrained, double bookingDrained, double ended, boolean truncated, double meanQueue,
                               double firstUnhealthy, List<Component> components, List<Requests> requests, List<Sample> samples,
                               long events) {

    /** A wait distribution, seconds. */
    public record Waits(double people, double mean, double p50, double p90, double p99, double max) {
        static Waits of(WaitRecorder r) {
            return new Waits(r.count(), r.mean(), r.quantile(0.5), r.quantile(0.9), r.quantile(0.99), r.max());
        }
    }

    /**
     * A component's figures, in its own unit: node-seconds per second for the app nodes (capacity =
     * nodes), commands per second for Redis, server-seconds per second for PostgreSQL (capacity 1),
     * verifications per second for the identity provider.
     */
    public record Component(String name, double capacity, double peakOffered, double peakServed, double peakDelay, double dropped) {
        /** Peak offered load over capacity: above 1 the component was overloaded. */
        public double peakUtilisation() {
            return peakOffered / capacity;
        }
    }

    /** Requests of one kind: total, the busiest second, and how many failed. */
    public record Requests(String kind, double total, double peakPerSecond, double failed) {
    }

    /** One second of the night. */
    public record Sample(double time, double identityWaiting, double peopleWaiting, double bookingWaiting, double identityRate,
                         double joins, double polls, double identity, double booking, double nodeDelay, double nodeDropRatio,
                         double booked) {
    }

    /** The component most overloaded at its peak. */
    public Component bottleneck() {
        return components.stream().max(Comparator.comparingDouble(Component::peakUtilisation)).orElseThrow();
    }

    /** The largest identity line (tickets issued and not admitted) and when. */
    public Sample peakQueue() {
        return samples.stream().max(Comparator.comparingDouble(Sample::identityWaiting)).orElse(null);
    }

    public String toJson() {
        StringBuilder b = new StringBuilder(64 * 1024);
        b.append("{\"nodes\":").append(nodes).append(",\"gateStore\":\"").append(gateStore).append('"');
        num(b, "arrived", arrived);
        num(b, "tickets", tickets);
        num(b, "admitted", admitted);
        num(b, "duplicates", duplicates);
        num(b, "unused", unused);
        num(b, "booked", booked);
        num(b, "notEligible", notEligible);
        num(b, "leftAfterErrors", leftAfterErrors);
        waits(b, "identityWait", identityWait);
        waits(b, "bookingWait", bookingWait);
        num(b, "identityDrainedSeconds", identityDrained);
        num(b, "bookingDrainedSeconds", bookingDrained);
        num(b, "endedSeconds", ended);
        b.append(",\"truncated\":").append(truncated);
        num(b, "meanQueue", meanQueue);
        num(b, "firstUnhealthySeconds", firstUnhealthy);
        b.append(",\"bottleneck\":\"").append(bottleneck().name()).append('"');
        b.append(",\"components\":[");
        for (int i = 0; i < components.size(); i++) {
            Component c = components.get(i);
            b.append(i == 0 ? "" : ",").append("{\"name\":\"").append(c.name()).append('"');
            num(b, "capacity", c.capacity());
            num(b, "peakOffered", c.peakOffered());
            num(b, "peakServed", c.peakServed());
            num(b, "peakUtilisation", c.peakUtilisation());
            num(b, "peakDelaySeconds", c.peakDelay());
            num(b, "droppedShare", c.dropped());
            b.append('}');
        }
        b.append("],\"requests\":[");
        for (int i = 0; i < requests.size(); i++) {
            Requests r = requests.get(i);
            b.append(i == 0 ? "" : ",").append("{\"kind\":\"").append(r.kind()).append('"');
            num(b, "total", r.total());
            num(b, "peakPerSecond", r.peakPerSecond());
            num(b, "failed", r.failed());
            b.append('}');
        }
        b.append("],\"samples\":{\"columns\":[\"time\",\"identityWaiting\",\"peopleWaiting\",\"bookingWaiting\",\"identityRate\","
                + "\"joins\",\"polls\",\"identity\",\"booking\",\"nodeDelay\",\"nodeDropRatio\",\"booked\"],\"rows\":[");
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            b.append(i == 0 ? "[" : ",[");
            double[] v = {s.time(), s.identityWaiting(), s.peopleWaiting(), s.bookingWaiting(), s.identityRate(), s.joins(), s.polls(),
                s.identity(), s.booking(), s.nodeDelay(), s.nodeDropRatio(), s.booked()};
            for (int j = 0; j < v.length; j++) {
                b.append(j == 0 ? "" : ",").append(format(v[j]));
            }
            b.append(']');
        }
        b.append("]},\"events\":").append(events).append('}');
        return b.toString();
    }

    private static void waits(StringBuilder b, String name, Waits w) {
        b.append(",\"").append(name).append("\":{\"people\":").append(format(w.people())).append(",\"meanSeconds\":")
                .append(format(w.mean())).append(",\"p50Seconds\":").append(format(w.p50())).append(",\"p90Seconds\":")
                .append(format(w.p90())).append(",\"p99Seconds\":").append(format(w.p99())).append(",\"maxSeconds\":")
                .append(format(w.max())).append('}');
    }

    private static void num(StringBuilder b, String name, double v) {
        b.append(",\"").append(name).append("\":").append(format(v));
    }

    static String format(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "null";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
