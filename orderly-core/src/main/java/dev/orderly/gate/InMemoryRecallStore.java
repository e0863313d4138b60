package dev.orderly.gate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;

/** Recalls in memory, texting through {@code outbox}: the reference model and the store of core tests. */
public final class InMemoryRecallStore implements RecallStore {

    private final Map<String, LineRecall> byId = new LinkedHashMap<>();
    private final Map<String, String> byPlace = new LinkedHashMap<>();
    /** Takes (the recall as it was before texting, phone included, and the text) for every text queued. */
    public interface Outbox {
        void queue(LineRecall recall, String text);
    }

    private final Outbox outbox;

    /** @param outbox takes (person id, text) for every text queued */
    public InMemoryRecallStore(BiConsumer<Long, String> outbox) {
        this((Outbox) (recall, text) -> outbox.accept(recall.personId(), text));
    }

    private InMemoryRecallStore(Outbox outbox) {
        this.outbox = outbox;
    }

    /** A store whose outbox sees the whole recall, so it can text a number given with a code. */
    public static InMemoryRecallStore texting(Outbox outbox) {
        return new InMemoryRecallStore(outbox);
    }

    private static String place(Ticket t) {
        return t.gate() + "|" + t.sequence();
    }

    @Override
    public synchronized LineRecall arm(LineRecall recall) {
        String existing = byPlace.get(place(recall.ticket()));
        if (existing != null) {
            return byId.get(existing);
        }
        if (!recall.phone().isEmpty()) {
            Optional<LineRecall> samePhone = byId.values().stream()
                    .filter(r -> !r.texted() && r.ticket().gate().equals(recall.ticket().gate()) && r.phone().equals(recall.phone())).findFirst();
            if (samePhone.isPresent()) {
                return samePhone.get();
            }
        }
        byPlace.put(place(recall.ticket()), recall.id());
        byId.put(recall.id(), recall);
        return recall;
    }

    @Override
    public synchronized Optional<LineRecall> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public synchronized List<LineRecall> textDue(Instant now, int limit, Function<LineRecall, Optional<String>> textIfDue) {
        List<LineRecall> texted = new ArrayList<>();
        List<LineRecall> waiting = byId.values().stream().filter(r -> !r.texted()).sorted(Comparator.comparing(LineRecall::armedAt))
                .limit(limit).toList();
        for (LineRecall r : waiting) {
            Optional<String> text = textIfDue.apply(r);
            if (text.isPresent()) {
                outbox.queue(r, text.get());
                LineRecall done = r.textedAt(now);
                byId.put(r.id(), done);
                texted.add(done);
            }
        }
        return texted;
    }

    @Override
    public synchronized boolean bindBrowser(String id, String browserId) {
        LineRecall r = byId.get(id);
        if (r == null) {
            return false;
        }
        if (r.restoredBrowser().isEmpty()) {
            byId.put(id, r.restoredIn(browserId));
            return true;
        }
        return r.restoredBrowser().equals(browserId);
    }

    @Override
    public synchronized int forgetAbandoned(Instant armedBefore) {
        List<LineRecall> gone = byId.values().stream()
                .filter(r -> r.personId() == 0 && !r.texted() && r.armedAt().isBefore(armedBefore)).toList();
        gone.forEach(r -> {
            byId.remove(r.id());
            byPlace.remove(place(r.ticket()));
        });
        return gone.size();
    }
}
