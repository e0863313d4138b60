package dev.orderly.server.http;

import dev.orderly.eligibility.BookingWindow;
import dev.orderly.eligibility.Cohort;
import dev.orderly.eligibility.Eligibility;
import dev.orderly.eligibility.Schedule;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;

/**
 * Cohorts and eligibility as the pages read them. Ages are computed on the Seoul day the answer is
 * made (a cohort's name carries birth years only), and a cohort in the ten-part rotation says
 * which digit books on which day, so a refusal can explain the rotation instead of only refusing.
 */
final class CohortJson {

    private CohortJson() {
    }

    static JsonObject cohort(Cohort c, LocalDate today) {
        JsonObject json = new JsonObject().put("id", c.id()).put("name", c.name())
                .put("bornFrom", c.bornFrom().toString()).put("bornTo", c.bornTo().toString())
                .put("ages", new JsonObject().put("youngest", Schedule.ageOn(c.bornTo(), today))
                        .put("oldest", Schedule.ageOn(c.bornFrom(), today)).put("on", today.toString()))
                .put("products", new JsonArray(c.products().stream().sorted().toList()));
        c.specialGroup().ifPresent(g -> json.put("specialGroup", g));
        c.rotation().ifPresent(r -> json.put("rotation", new JsonObject().put("digitIndex", r.digitIndex()).put("mapping", r.mapping())
                .put("digitToday", Schedule.digitOn(r, today).orElse(null))
                .put("digitTomorrow", Schedule.digitOn(r, today.plusDays(1)).orElse(null))));
        return json;
    }

    static JsonObject window(BookingWindow w) {
        return new JsonObject().put("opensAt", w.opensAt().toString()).put("closesAt", w.closesAt().toString())
                .put("unbookedOnly", w.unbookedOnly());
    }

    static JsonObject eligibility(Eligibility e, LocalDate today) {
        return switch (e) {
            case Eligibility.Eligible ok -> new JsonObject().put("eligible", true).put("cohort", cohort(ok.cohort(), today))
                    .put("until", ok.until().toString()).put("products", new JsonArray(ok.cohort().products().stream().sorted().toList()))
                    .put("window", window(ok.window()));
            case Eligibility.NotInAnyCohort n -> new JsonObject().put("eligible", false).put("reason", "NOT_IN_ANY_COHORT");
            case Eligibility.NotOpenYet n -> new JsonObject().put("eligible", false).put("reason", "NOT_OPEN_YET")
                    .put("cohort", cohort(n.cohort(), today)).put("opensAt", n.opensAt().toString());
            case Eligibility.Closed c -> new JsonObject().put("eligible", false).put("reason", "CLOSED")
                    .put("cohort", cohort(c.cohort(), today)).put("closedAt", c.closedAt().toString());
            case Eligibility.WrongRotationDay w -> new JsonObject().put("eligible", false).put("reason", "WRONG_ROTATION_DAY")
                    .put("cohort", cohort(w.cohort(), today)).put("yourDay", w.yourDay().toString()).put("opensAt", w.opensAt().toString())
                    .put("yourDigit", w.cohort().rotation().map(r -> r.mapping().charAt(w.yourDay().getDayOfMonth() % 10) - '0').orElse(null));
            case Eligibility.AlreadyBooked a -> new JsonObject().put("eligible", false).put("reason", "ALREADY_BOOKED")
                    .put("reference", a.reference());
        };
    }

    /** The schedule: each cohort, where it stands, and the window that matters (open, next or last). */
    static JsonObject schedule(java.util.List<Schedule.Entry> entries, LocalDate today, java.time.Instant now) {
        JsonArray cohorts = new JsonArray();
        for (Schedule.Entry e : entries) {
            cohorts.add(cohort(e.cohort(), today).put("status", e.status().name()).put("window", window(e.window()))
                    .put("windows", new JsonArray(e.cohort().windows().stream().map(CohortJson::window).toList())));
        }
        return new JsonObject().put("today", today.toString()).put("at", now.toString()).put("cohorts", cohorts);
    }
}
