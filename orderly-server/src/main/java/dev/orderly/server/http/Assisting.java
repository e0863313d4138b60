package dev.orderly.server.http;

import dev.orderly.assist.Assisted;
import dev.orderly.assist.AssistedCheck;
import dev.orderly.assist.NameMask;
import dev.orderly.assist.OnBehalf;
import dev.orderly.booking.BookingOutcome;
import dev.orderly.booking.BookingService;
import dev.orderly.booking.CancelOutcome;
import dev.orderly.booking.ChangeOutcome;
import dev.orderly.booking.Reservation;
import dev.orderly.identity.Claim;
import dev.orderly.identity.Verification;
import dev.orderly.problem.ProblemType;
import dev.orderly.registry.Names;
import dev.orderly.registry.Person;
import dev.orderly.registry.PhoneNumbers;
import dev.orderly.registry.ResidentRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/**
 * The steps an agent and a family member share when acting for a resident: find the resident by
 * name, birth date and phone; send a consent code to the resident's own phone (the SMS provider's
 * challenge, with its daily caps and tries); confirm with the code; then act through the
 * confirmed session only. Whoever acts, the resident is shown masked: the registry's match is
 * never answered with a resident number or a whole phone number.
 */
final class Assisting {

    /** How many of the on-behalf records a page shows. */
    private static final int SHOWN_RECORDS = 20;

    private final Assistance parts;
    private final ResidentRegistry registry;
    private final BookingService booking;
    private final Clock clock;

    Assisting(Assistance parts, ResidentRegistry registry, BookingService booking, Clock clock) {
        this.parts = parts;
        this.registry = registry;
        this.booking = booking;
        this.clock = clock;
    }

    Assistance parts() {
        return parts;
    }

    /** The claim in the body: name, birthDate, phone, normalised as identity verification reads them. */
    static Claim claim(RoutingContext ctx) {
        JsonInput in = JsonInput.of(ctx, Set.of("name", "birthDate", "phone"));
        String name = Names.normalise(in.text("name", 4 * Names.MAX_LENGTH)).orElseThrow(() ->
                new BadRequest("'name' must be 1-" + Names.MAX_LENGTH + " letters, spaces and . ' - ·"));
        java.time.LocalDate birthDate = in.date("birthDate");
        String phone = PhoneNumbers.normalise(in.text("phone", 20)).orElseThrow(() ->
                new BadRequest("'phone' must be a Korean mobile number such as 010-1234-5678"));
        return Claim.of(name, birthDate, phone);
    }

    private static final java.util.regex.Pattern SIX_DIGITS = java.util.regex.Pattern.compile("[0-9]{6}");

    /** The code in the body: six digits, or a 400 that costs the challenge no try. */
    static String code(RoutingContext ctx) {
        String code = JsonInput.of(ctx, Set.of("code")).text("code", 6);
        if (!SIX_DIGITS.matcher(code).matches()) {
            throw new BadRequest("'code' is the six digits of the text message");
        }
        return code;
    }

    /** The resident matching all three, looked up as verification does (hashed phone, then name and birth date). */
    Optional<Person> match(Claim claim) {
        return registry.find(claim.name().orElseThrow(), claim.birthDate().orElseThrow(), claim.phone().orElseThrow());
    }

    /** What a helper may see of a resident. */
    static JsonObject masked(Person p) {
        return new JsonObject().put("maskedName", NameMask.of(p.name())).put("birthDate", p.birthDate().toString())
                .put("maskedPhone", p.maskedPhone());
    }

    /**
     * Sends the consent code to {@code resident} (found by {@link #match}) and makes {@code binding}
     * wait for its answer.
     */
    Reply sendCode(String binding, String actor, Person resident, Claim claim, String whoKo, String whoEn) {
        Verification.Started started = parts.codes().startConsent(claim, whoKo, whoEn);
        return switch (started) {
            case Verification.CodeSent sent -> {
                parts.sessions().offer(binding, actor, resident.id(), sent.challengeId());
                yield Reply.json(201, new JsonObject().put("challengeId", sent.challengeId()).put("resident", masked(resident))
                        .put("expiresAt", sent.expiresAt().toString()));
            }
            case Verification.NoMatch n -> IdentityRoutes.noMatch();
            case Verification.TooManyChallenges t -> IdentityRoutes.codeLimit(t, clock);
            case Verification.NotSent n -> IdentityRoutes.notSent();
            case Verification.Redirect r -> throw new IllegalStateException("the SMS provider does not redirect");
        };
    }

    /** A code check's answer, and the resident it confirmed (if it did). */
    record Confirmed(Reply reply, Optional<Person> resident) {
    }

    /** Checks the code the resident gave against the challenge {@code binding} waits on. */
    Confirmed confirm(String binding, String challengeId, String code) {
        if (parts.sessions().awaiting(binding, challengeId).isEmpty()) {
            return new Confirmed(Reply.problem(ProblemType.UNKNOWN_CHALLENGE,
                    "no code from here waits for an answer with that id; send a new code"), Optional.empty());
        }
        Verification.Checked checked = parts.codes().check(challengeId, code);
        if (!(checked instanceof Verification.Verified v)) {
            return new Confirmed(IdentityRoutes.notVerifiedBy(checked), Optional.empty());
        }
        Optional<Assisted> active = parts.sessions().confirm(binding, challengeId, v.person().id());
        if (active.isEmpty()) {
            return new Confirmed(Reply.problem(ProblemType.UNKNOWN_CHALLENGE, "this code was answered already; send a new code"),
                    Optional.empty());
        }
        return new Confirmed(Reply.json(200, new JsonObject().put("resident", masked(v.person()))
                .put("expiresAt", active.get().expiresAt().toString())), Optional.of(v.person()));
    }

    /** The resident {@code binding} acts for just now, or why there is none. */
    record Acting(Optional<Person> resident, Assisted session, Reply refusal) {
    }

    Acting acting(String binding) {
        return switch (parts.sessions().check(binding)) {
            case AssistedCheck.Active a -> registry.byId(a.assisted().personId())
                    .map(p -> new Acting(Optional.of(p), a.assisted(), null))
                    .orElseGet(() -> new Acting(Optional.empty(), null, noSession()));
            case AssistedCheck.Expired e -> new Acting(Optional.empty(), null, Reply.problem(ProblemType.ASSISTED_SESSION_EXPIRED,
                    "the time to act for this resident ended at " + e.at() + "; send a new code to ask them again").with("endedAt", e.at().toString()));
            case AssistedCheck.Pending p -> new Acting(Optional.empty(), null, noSession());
            case AssistedCheck.None n -> new Acting(Optional.empty(), null, noSession());
        };
    }

    private static Reply noSession() {
        return Reply.problem(ProblemType.NO_ASSISTED_SESSION,
                "no resident has confirmed with their code here; find the resident and send them a code first");
    }

    /** Where the resident stands: who (masked), until when, eligibility, reservation, what others did for them. */
    JsonObject status(Person p, Assisted session) {
        JsonObject body = new JsonObject().put("resident", masked(p)).put("expiresAt", session.expiresAt().toString())
                .put("eligibility", IdentityRoutes.eligibilityJson(booking.eligibility(p), booking.today()))
                .put("firstBookableDay", booking.firstBookableDay().toString())
                .put("lastBookableDay", booking.lastBookableDay().toString())
                .put("onBehalf", onBehalfOf(p.id()));
        booking.reservationOf(p).ifPresent(r -> body.put("reservation", BookingRoutes.reservationJson(r)));
        return body;
    }

    /** The resident's reservation as the audit keeps it (reference, clinic, days), or null. */
    Object reservationState(Person p) {
        return booking.reservationOf(p).map(BookingRoutes::reservationJson).orElse(null);
    }

    /** What others did for {@code personId}: by the call centre, or by a family member (masked). */
    JsonArray onBehalfOf(long personId) {
        JsonArray list = new JsonArray();
        for (OnBehalf e : parts.onBehalf().of(personId, SHOWN_RECORDS)) {
            JsonObject item = new JsonObject().put("action", e.action()).put("reference", e.reference()).put("at", e.at().toString())
                    .put("by", e.byFamily() ? "family" : "call-centre");
            if (e.byFamily()) {
                registry.byId(Long.parseLong(e.actor().substring("person:".length())))
                        .ifPresent(helper -> item.put("maskedName", NameMask.of(helper.name())));
            }
            list.add(item);
        }
        return list;
    }

    /** Records a booking, change or cancellation {@code actor} made for {@code p}, if one was made. */
    void recordIfDone(Person p, String actor, Object outcome) {
        Optional<Reservation> r;
        String action;
        switch (outcome) {
            case BookingOutcome.Booked b -> {
                r = Optional.of(b.reservation());
                action = OnBehalf.BOOK;
            }
            case ChangeOutcome.Changed c -> {
                r = Optional.of(c.reservation());
                action = OnBehalf.CHANGE;
            }
            case CancelOutcome.Cancelled c -> {
                r = Optional.of(c.reservation());
                action = OnBehalf.CANCEL;
            }
            case null, default -> {
                r = Optional.empty();
                action = null;
            }
        }
        if (r.isEmpty() || recordedAlready(p.id(), r.get(), action)) {
            return;
        }
        parts.onBehalf().record(new OnBehalf(p.id(), r.get().reference(), action, actor, clock.instant()));
    }

    /**
     * Whether this outcome is the remembered answer to a retry (same Idempotency-Key) of something
     * recorded already: a reference is booked and cancelled once, and a change made before the
     * last recorded change of its reference is that one.
     */
    private boolean recordedAlready(long personId, Reservation r, String action) {
        return parts.onBehalf().of(personId, SHOWN_RECORDS).stream().anyMatch(e -> e.reference().equals(r.reference())
                && e.action().equals(action) && (!action.equals(OnBehalf.CHANGE) || !e.at().isBefore(r.changedAt())));
    }
}
