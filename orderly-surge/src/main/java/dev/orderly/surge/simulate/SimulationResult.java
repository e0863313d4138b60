package dev.orderly.surge.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Comparator;
import java.util.List;

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

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MathContext FOUR_DIGITS = new MathContext(4);

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

    /** Every figure as JSON: the same keys as the records, waits in seconds, samples as columns and rows. */
    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode().put("nodes", nodes).put("gateStore", gateStore);
        o.set("arrived", number(arrived));
        o.set("tickets", number(tickets));
        o.set("admitted", number(admitted));
        o.set("duplicates", number(duplicates));
        o.set("unused", number(unused));
        o.set("booked", number(booked));
        o.set("notEligible", number(notEligible));
        o.set("leftAfterErrors", number(leftAfterErrors));
        o.set("identityWait", waits(identityWait));
        o.set("bookingWait", waits(bookingWait));
        o.set("identityDrainedSeconds", number(identityDrained));
        o.set("bookingDrainedSeconds", number(bookingDrained));
        o.set("endedSeconds", number(ended));
        o.put("truncated", truncated);
        o.set("meanQueue", number(meanQueue));
        o.set("firstUnhealthySeconds", number(firstUnhealthy));
        o.put("bottleneck", bottleneck().name());
        ArrayNode cs = o.putArray("components");
        for (Component c : components) {
            ObjectNode n = cs.addObject().put("name", c.name());
            n.set("capacity", number(c.capacity()));
            n.set("peakOffered", number(c.peakOffered()));
            n.set("peakServed", number(c.peakServed()));
            n.set("peakUtilisation", number(c.peakUtilisation()));
            n.set("peakDelaySeconds", number(c.peakDelay()));
            n.set("droppedShare", number(c.dropped()));
        }
        ArrayNode rs = o.putArray("requests");
        for (Requests r : requests) {
            ObjectNode n = rs.addObject().put("kind", r.kind());
            n.set("total", number(r.total()));
            n.set("peakPerSecond", number(r.peakPerSecond()));
            n.set("failed", number(r.failed()));
        }
        ObjectNode table = o.putObject("samples");
        ArrayNode columns = table.putArray("columns");
        List.of("time", "identityWaiting", "peopleWaiting", "bookingWaiting", "identityRate", "joins", "polls", "identity", "booking",
                "nodeDelay", "nodeDropRatio", "booked").forEach(columns::add);
        ArrayNode rows = table.putArray("rows");
        for (Sample s : samples) {
            ArrayNode row = rows.addArray();
            for (double v : new double[] {s.time(), s.identityWaiting(), s.peopleWaiting(), s.bookingWaiting(), s.identityRate(),
                s.joins(), s.polls(), s.identity(), s.booking(), s.nodeDelay(), s.nodeDropRatio(), s.booked()}) {
                row.add(number(v));
            }
        }
        return o.put("events", events);
    }

    private static ObjectNode waits(Waits w) {
        ObjectNode n = JSON.createObjectNode();
        n.set("people", number(w.people()));
        n.set("meanSeconds", number(w.mean()));
        n.set("p50Seconds", number(w.p50()));
        n.set("p90Seconds", number(w.p90()));
        n.set("p99Seconds", number(w.p99()));
        n.set("maxSeconds", number(w.max()));
        return n;
    }

    /** A figure as JSON: null when it did not happen (NaN), whole numbers as such, others to four significant digits. */
    static JsonNode number(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return NullNode.getInstance();
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return LongNode.valueOf((long) v);
        }
        return DoubleNode.valueOf(new BigDecimal(v).round(FOUR_DIGITS).doubleValue());
    }
}
