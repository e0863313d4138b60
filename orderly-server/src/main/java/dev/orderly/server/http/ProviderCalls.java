package dev.orderly.server.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Times each call to an identity provider and says whether it worked, so the dashboard can show
 * a traffic light per provider (the 2021 agency watched one per identity method): a call that
 * threw, or that the provider could not carry out, counts as failed.
 */
final class ProviderCalls {

    static final String LATENCY = "orderly.identity.provider.calls";

    private ProviderCalls() {
    }

    /** Runs {@code call}, timed into {@code into} (the canary's calls go to a registry nobody reads). */
    static <T> T timed(MeterRegistry into, String provider, String step, Supplier<T> call, Predicate<T> failed) {
        long start = System.nanoTime();
        boolean ok = false;
        try {
            T result = call.get();
            ok = !failed.test(result);
            return result;
        } finally {
            Timer.builder(LATENCY).tag("provider", provider).tag("step", step).tag("ok", Boolean.toString(ok))
                    .register(into).record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }
}
