package dev.orderly.watch;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The alert book of a single node. */
public final class InMemoryAlertBook implements AlertBook {

    private final List<Alert> alerts = new ArrayList<>();

    @Override
    public synchronized boolean raise(Alert alert) {
        if (alerts.stream().anyMatch(a -> a.active() && a.key().equals(alert.key()))) {
            return false;
        }
        alerts.add(alert);
        return true;
    }

    @Override
    public synchronized boolean resolve(String key, Instant at) {
        for (int i = 0; i < alerts.size(); i++) {
            Alert a = alerts.get(i);
            if (a.active() && a.key().equals(key)) {
                alerts.set(i, a.resolvedAt(at));
                return true;
            }
        }
        return false;
    }

    @Override
    public synchronized List<Alert> active() {
        return alerts.stream().filter(Alert::active).sorted(Comparator.comparing(Alert::raisedAt)).toList();
    }

    @Override
    public synchronized List<Alert> recent(int limit) {
        List<Alert> newestFirst = new ArrayList<>(alerts);
        java.util.Collections.reverse(newestFirst);
        return List.copyOf(newestFirst.subList(0, Math.min(limit, newestFirst.size())));
    }
}
