package dev.orderly.server.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * This node's traffic per second, read from its own meters: each sample is the difference of the
 * counters since the previous one, divided by the time between them. The meters stay the one
 * place that counts; the dashboard only reads them.
 */
final class NodeRates {

    /** Counts (and, for timers, total milliseconds) by key at one instant. */
    record Totals(Map<String, Double> counts, long nanos) {
    }

    private final MeterRegistry meters;

    NodeRates(MeterRegistry meters) {
        this.meters = meters;
    }

    /**
     * Every figure the dashboard rates, keyed {@code name|tag=value|...} with only the tags it
     * groups by: joins by gate, identity challenges and checks by provider and outcome, provider
     * latency by provider, bookings by outcome, HTTP answers by status, refusals for rate.
     */
    Totals totals(long nanos) {
        Map<String, Double> t = new HashMap<>();
        for (Counter c : meters.find("orderly.gate.joins").counters()) {
            t.merge("joins|" + c.getId().getTag("gate"), c.count(), Double::sum);
        }
        for (String step : new String[] {"challenges", "checks"}) {
            for (Counter c : meters.find("orderly.identity." + step).counters()) {
                t.merge(step + "|" + c.getId().getTag("provider") + "|" + c.getId().getTag("outcome"), c.count(), Double::sum);
            }
        }
        for (Timer timer : meters.find(ProviderCalls.LATENCY).timers()) {
            String provider = timer.getId().getTag("provider");
            t.merge("provider.calls|" + provider, (double) timer.count(), Double::sum);
            t.merge("provider.ms|" + provider, timer.totalTime(TimeUnit.MILLISECONDS), Double::sum);
            if ("false".equals(timer.getId().getTag("ok"))) {
                t.merge("provider.failed|" + provider, (double) timer.count(), Double::sum);
            }
        }
        for (Counter c : meters.find("orderly.bookings").counters()) {
            t.merge("book|" + c.getId().getTag("outcome"), c.count(), Double::sum);
        }
        for (String what : new String[] {"change", "cancel"}) {
            for (Counter c : meters.find("orderly.bookings." + what).counters()) {
                t.merge(what + "|" + c.getId().getTag("outcome"), c.count(), Double::sum);
            }
        }
        for (Timer timer : meters.find("orderly.http.server.requests").timers()) {
            t.merge("http|" + timer.getId().getTag("status"), (double) timer.count(), Double::sum);
        }
        return new Totals(t, nanos);
    }

    /** Per second between two samples, by key; keys only in {@code now} count from zero. */
    static Map<String, Double> perSecond(Totals before, Totals now) {
        double seconds = Math.max(1e-3, (now.nanos() - before.nanos()) / 1e9);
        Map<String, Double> rates = new HashMap<>();
        now.counts().forEach((k, v) -> rates.put(k, Math.max(0, v - before.counts().getOrDefault(k, 0.0)) / seconds));
        return rates;
    }
}
