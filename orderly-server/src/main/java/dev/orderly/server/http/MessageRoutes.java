package dev.orderly.server.http;

import dev.orderly.eligibility.Cohort;
import dev.orderly.notice.Audience;
import dev.orderly.notice.NoticeText;
import dev.orderly.notice.Notices;
import dev.orderly.problem.ProblemType;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * An operator's message to many people ("dose 2 moved"): first a preview, which counts the
 * audience and shows the text as it will be sent and stores nothing; then the send, which carries
 * the count the operator saw and is refused ({@code audience-changed}) when the audience no
 * longer has that size, so nobody confirms a message to 300 people and sends it to 3,000.
 */
final class MessageRoutes {

    /** Most people one message may go to: the largest cohort of the 2021 campaign was under this. */
    static final long MAX_AUDIENCE = 2_000_000;

    private final HttpApi api;
    private final Notices notices;

    MessageRoutes(HttpApi api, Notices notices) {
        this.api = api;
        this.notices = notices;
    }

    void mount(Router router) {
        router.post("/api/operator/messages/preview").handler(this::preview);
        router.post("/api/operator/messages").handler(this::send);
    }

    /** What a request asks to send, read and checked before anything is counted. */
    private record Request(Audience audience, NoticeText text) {
    }

    private static Request request(JsonInput in) {
        JsonInput a = JsonInput.of(in.raw("audience"), Set.of("cohort", "clinicId", "day", "dose"), "audience");
        Audience audience;
        if (a.has("cohort")) {
            if (a.has("clinicId") || a.has("day") || a.has("dose")) {
                throw new BadRequest("an 'audience' is either a 'cohort' or a 'clinicId' (with 'day' and 'dose'), not both");
            }
            String cohort = a.text("cohort", 64);
            if (!Cohort.ID.matcher(cohort).matches()) {
                throw new BadRequest("a cohort id is 1-64 of a-z, 0-9 and '-'");
            }
            audience = new Audience.CohortMembers(cohort);
        } else if (a.has("clinicId")) {
            long clinic = a.number("clinicId");
            if (clinic < 1 || clinic > Integer.MAX_VALUE) {
                throw new BadRequest("'clinicId' must be a whole number from 1 to " + Integer.MAX_VALUE);
            }
            Optional<LocalDate> day = a.has("day") ? Optional.of(a.date("day")) : Optional.empty();
            Optional<Integer> dose = a.has("dose") ? Optional.of(a.integer("dose", 1, 2)) : Optional.empty();
            audience = new Audience.ClinicBookings(clinic, day, dose);
        } else {
            throw new BadRequest("'audience' needs a 'cohort' or a 'clinicId'");
        }
        JsonInput t = JsonInput.of(in.raw("text"), Set.of("ko", "en"), "text");
        String korean = t.text("ko", NoticeText.MAX_CHARACTERS * 2);
        Optional<String> english = t.has("en") ? Optional.of(t.text("en", NoticeText.MAX_CHARACTERS * 2)) : Optional.empty();
        try {
            return new Request(audience, new NoticeText(korean, english));
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e.getMessage());
        }
    }

    private void preview(RoutingContext ctx) {
        Request r = request(JsonInput.of(ctx, Set.of("audience", "text")));
        api.run(ctx, () -> {
            OptionalLong count = notices.count(r.audience());
            if (count.isEmpty()) {
                return unknownCohort(r.audience());
            }
            if (count.getAsLong() > MAX_AUDIENCE) {
                return tooLarge(count.getAsLong());
            }
            return Reply.json(200, new JsonObject().put("count", count.getAsLong()).put("sample", r.text().body())
                    .put("target", r.audience().target()));
        });
    }

    private void send(RoutingContext ctx) {
        JsonInput in = JsonInput.of(ctx, Set.of("audience", "text", "expectedCount"));
        Request r = request(in);
        if (!in.has("expectedCount")) {
            throw new BadRequest("'expectedCount' (the count the preview showed) is required");
        }
        long expected = in.number("expectedCount");
        if (expected < 1 || expected > MAX_AUDIENCE) {
            throw new BadRequest("'expectedCount' must be a whole number from 1 to " + MAX_AUDIENCE);
        }
        String body = r.text().body();
        api.run(ctx, () -> switch (notices.send(r.audience(), body, expected)) {
            case Notices.UnknownCohort u -> unknownCohort(r.audience());
            case Notices.AudienceChanged c -> Reply.problem(ProblemType.AUDIENCE_CHANGED, "the audience now holds " + c.count()
                    + " people, not the " + expected + " confirmed; nothing was sent. Preview again").with("count", c.count());
            case Notices.Sent s -> {
                api.audit().record(ctx, "message.send", r.audience().target(), null, new JsonObject().put("messageId", s.messageId())
                        .put("reference", s.reference()).put("count", s.count()).put("text", body));
                yield Reply.json(201, new JsonObject().put("messageId", s.messageId()).put("reference", s.reference())
                        .put("count", s.count()));
            }
        });
    }

    private static Reply unknownCohort(Audience audience) {
        return Reply.problem(ProblemType.UNKNOWN_COHORT, "no " + audience.target());
    }

    private static Reply tooLarge(long count) {
        return Reply.problem(ProblemType.AUDIENCE_TOO_LARGE, "the audience holds " + count + " people; one message goes to at most "
                + MAX_AUDIENCE + ". Choose a smaller audience").with("count", count);
    }
}
