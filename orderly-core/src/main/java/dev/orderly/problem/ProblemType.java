package dev.orderly.problem;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every kind of problem Orderly answers, once: its slug (the problem document's {@code type} is
 * {@code /problems/<slug>}), its one HTTP status and its English title. The server answers with
 * these and nothing else; the citizen pages translate each by its slug ({@link #titleKey()},
 * {@link #textKey()} in {@code i18n.js}, Korean and English); the surge tool reads answers back
 * through {@link #ofType}. Adding a problem means adding it here, with its texts in both languages
 * (a test fails otherwise).
 *
 * <p>The detail of a problem document says what happened this time; the title is the same for
 * every occurrence, as RFC 9457 asks.
 */
public enum ProblemType {

    // The request itself, below any one route.
    BAD_REQUEST("bad-request", 400, "Bad request"),
    NOT_FOUND("not-found", 404, "Not found"),
    METHOD_NOT_ALLOWED("method-not-allowed", 405, "Method not allowed"),
    BODY_TOO_LARGE("body-too-large", 413, "Body too large"),
    URI_TOO_LONG("uri-too-long", 414, "Request line too long"),
    RANGE_NOT_SATISFIABLE("range-not-satisfiable", 416, "Range not satisfiable"),
    EXPECTATION_FAILED("expectation-failed", 417, "Expectation failed"),
    HEADERS_TOO_LARGE("headers-too-large", 431, "Request headers too large"),
    CROSS_SITE_REQUEST("cross-site-request", 403, "Request from another site"),
    RATE_LIMITED("rate-limited", 429, "Too many requests"),
    INTERNAL_ERROR("internal-error", 500, "Internal error"),
    SERVICE_UNAVAILABLE("service-unavailable", 503, "Temporarily unavailable"),
    NOT_READY("not-ready", 503, "Not ready"),

    // Waiting rooms: tickets.
    UNKNOWN_GATE("unknown-gate", 404, "Unknown gate"),
    NO_TICKET("no-ticket", 400, "No ticket"),
    INVALID_TICKET("invalid-ticket", 403, "Invalid ticket"),
    OTHER_GATE("other-gate", 403, "Ticket of another gate"),
    OTHER_BROWSER("other-browser", 403, "Ticket of another browser"),
    TURN_CAME("turn-came", 409, "Your turn has come"),
    NOT_YOUR_PLACE("not-your-place", 403, "Place of another person"),
    RECALL_LINK_INVALID("recall-link-invalid", 403, "Invalid return link"),
    RECALL_LINK_EXPIRED("recall-link-expired", 410, "Return link expired"),
    RECALL_OTHER_BROWSER("recall-other-browser", 403, "Return link used elsewhere"),
    RECALL_PHONE_TAKEN("recall-phone-taken", 409, "Number already waits for a text"),
    GATE_CLOSED("gate-closed", 410, "Closed"),
    NOT_YET("not-yet", 425, "Not open yet"),

    // Waiting rooms: the pass a turn earns. A pass that no longer opens the step is refused like
    // any other credential that does not: 403, whether it is missing, forged, expired or used.
    NO_PASS("no-pass", 403, "Wait for your turn"),
    INVALID_PASS("invalid-pass", 403, "Invalid pass"),
    PASS_OTHER_GATE("pass-other-gate", 403, "Pass of another line"),
    PASS_OTHER_BROWSER("pass-other-browser", 403, "Pass of another browser"),
    PASS_OTHER_PERSON("pass-other-person", 403, "Pass of another person"),
    PASS_EXPIRED("pass-expired", 403, "Pass expired"),
    PASS_SPENT("pass-spent", 403, "Pass already used"),

    // Identity.
    UNKNOWN_PROVIDER("unknown-provider", 404, "Unknown identity provider"),
    NO_MATCH("no-match", 422, "No matching resident"),
    CODE_LIMIT("code-limit", 429, "No more codes today"),
    NOT_SENT("not-sent", 503, "Code not sent"),
    UNKNOWN_CHALLENGE("unknown-challenge", 404, "Unknown challenge"),
    WRONG_CODE("wrong-code", 422, "Wrong code"),
    CODE_EXPIRED("code-expired", 410, "Code expired"),
    TOO_MANY_TRIES("too-many-tries", 429, "Too many wrong codes"),
    NOT_VERIFIED("not-verified", 401, "Verify first"),
    SESSION_REPLACED("session-replaced", 401, "Signed in on another device"),
    SESSION_EXPIRED("session-expired", 401, "Session expired"),
    SESSION_ENDED("session-ended", 401, "Signed out"),

    // Booking.
    ALREADY_BOOKED("already-booked", 409, "Already booked"),
    DAY_FULL("day-full", 409, "Day full"),
    NO_SECOND_DOSE_DAY("no-second-dose-day", 409, "No day for dose 2"),
    NOT_OFFERED("not-offered", 422, "Not offered"),
    DAY_OUT_OF_RANGE("day-out-of-range", 422, "Day not bookable"),
    NOT_ELIGIBLE("not-eligible", 403, "Not eligible now"),
    IDEMPOTENCY_KEY_REUSED("idempotency-key-reused", 422, "Idempotency key reused"),
    NO_RESERVATION("no-reservation", 404, "No reservation"),
    OUTSIDE_INTERVAL("outside-interval", 422, "Outside the dose-2 interval"),
    TOO_LATE("too-late", 409, "Too late to move"),

    // Operators.
    OPERATOR_ONLY("operator-only", 401, "Operators only"),
    GATE_OPENED("gate-opened", 409, "Gate already opened"),
    GATE_BUSY("gate-busy", 409, "Gate busy"),
    LOTTERY_FIXED("lottery-fixed", 409, "Lottery already committed"),
    UNKNOWN_PRODUCT("unknown-product", 422, "Unknown product"),
    INVALID_COHORT("invalid-cohort", 422, "Invalid cohort"),
    UNKNOWN_COHORT("unknown-cohort", 404, "Unknown cohort"),
    REJECTED_ROWS("rejected-rows", 422, "Rows rejected"),
    BELOW_BOOKED("below-booked", 409, "Below what is booked"),
    // A message to many people is sent only to the number of people the operator confirmed.
    AUDIENCE_CHANGED("audience-changed", 409, "Audience changed"),
    AUDIENCE_TOO_LARGE("audience-too-large", 422, "Audience too large"),
    // The change was made, its audit entry could not be written: the operator must know.
    AUDIT_UNRECORDED("audit-unrecorded", 503, "Change made but not recorded"),

    // Staff: sign-in, sessions, roles, accounts.
    INVALID_STAFF("invalid-staff", 422, "Invalid staff account"),
    NOT_SIGNED_IN("not-signed-in", 401, "Not signed in"),
    OWN_ACCOUNT("own-account", 409, "Your own account"),
    ROLE_NOT_ALLOWED("role-not-allowed", 403, "Not allowed for this role"),
    SIGN_IN_FAILED("sign-in-failed", 401, "Sign-in failed"),
    SIGN_IN_LOCKED("sign-in-locked", 429, "Sign-in locked"),
    STAFF_BUSY("staff-busy", 409, "Account busy"),
    STAFF_EXISTS("staff-exists", 409, "Login taken"),
    UNKNOWN_STAFF("unknown-staff", 404, "Unknown staff account"),
    WEAK_PASSWORD("weak-password", 422, "Password not accepted"),
    WRONG_PASSWORD("wrong-password", 403, "Wrong password"),

    // Acting for another resident: the call centre and family members.
    NO_ASSISTED_SESSION("no-assisted-session", 409, "No resident confirmed"),
    ASSISTED_SESSION_EXPIRED("assisted-session-expired", 410, "Time to act for the resident is up"),
    PROXY_SELF("proxy-self", 422, "That is you"),
    AGENT_LINE("agent-line", 403, "The call centre's line"),
    // Leftover doses and the standby list.
    NOT_ON_STANDBY("not-on-standby", 404, "Not on the standby list"),
    CONSENT_REQUIRED("consent-required", 422, "Consent required"),
    CHOSEN_CLINIC_UNKNOWN("chosen-clinic-unknown", 422, "A chosen clinic does not exist"),
    OFFER_NOT_FOUND("offer-not-found", 404, "No such offer"),
    OFFER_NOT_YOURS("offer-not-yours", 403, "Offer made to someone else"),
    OFFER_EXPIRED("offer-expired", 410, "Offer expired"),
    OFFER_CLAIMED("offer-claimed", 409, "Offer already claimed"),
    // Clinics: the desk and the clinic's days.
    UNKNOWN_CLINIC("unknown-clinic", 404, "Unknown clinic"),
    UNKNOWN_APPOINTMENT("unknown-appointment", 404, "No such appointment"),
    WRONG_CLINIC("wrong-clinic", 409, "Booked at another clinic"),
    WRONG_DAY("wrong-day", 409, "Booked for another day"),
    APPOINTMENT_CANCELLED("appointment-cancelled", 409, "Appointment cancelled"),
    ALREADY_GIVEN("already-given", 409, "Dose already given"),
    VISIT_RECORDED("visit-recorded", 409, "Visit already recorded"),
    DAY_NOT_OVER("day-not-over", 409, "Day not over yet"),
    WRONG_DOSE("wrong-dose", 422, "Wrong dose number"),
    WRONG_PRODUCT("wrong-product", 422, "Another vaccine was booked"),
    FIRST_DOSE_NOT_GIVEN("first-dose-not-given", 409, "Dose 1 not recorded"),
    AMBIGUOUS_PERSON("ambiguous-person", 409, "More than one match"),
    DAY_CLOSED("day-closed", 409, "Day closed"),
    DAY_PAST("day-past", 409, "Day already past"),

    // The demo's SMS inbox.
    NO_MESSAGE("no-message", 404, "No message");

    /** What every problem document's {@code type} starts with. */
    public static final String TYPE_PREFIX = "/problems/";

    private static final Map<String, ProblemType> BY_SLUG = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(ProblemType::slug, Function.identity()));

    private final String slug;
    private final int status;
    private final String title;

    ProblemType(String slug, int status, String title) {
        this.slug = slug;
        this.status = status;
        this.title = title;
    }

    /** The name in the problem's type and in the pages' translations, e.g. {@code day-full}. */
    public String slug() {
        return slug;
    }

    /** The HTTP status every answer of this problem has. */
    public int status() {
        return status;
    }

    /** The English title, the same for every occurrence. */
    public String title() {
        return title;
    }

    /** The problem document's {@code type}: {@code /problems/<slug>}. */
    public String type() {
        return TYPE_PREFIX + slug;
    }

    /** The key of the translated title in the pages' {@code i18n.js}. */
    public String titleKey() {
        return "problem." + slug + ".title";
    }

    /** The key of the translated explanation in the pages' {@code i18n.js}. */
    public String textKey() {
        return "problem." + slug;
    }

    /** The problem named {@code slug}, if Orderly has one. */
    public static Optional<ProblemType> ofSlug(String slug) {
        return Optional.ofNullable(slug == null ? null : BY_SLUG.get(slug));
    }

    /** The problem whose document has {@code type} ({@code /problems/day-full}), if Orderly has one. */
    public static Optional<ProblemType> ofType(String type) {
        return type != null && type.startsWith(TYPE_PREFIX) ? ofSlug(type.substring(TYPE_PREFIX.length())) : Optional.empty();
    }
}
