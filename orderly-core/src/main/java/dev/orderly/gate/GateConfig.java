package dev.orderly.gate;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One gate, as an operator configures it.
 *
 * @param name            the gate's name in URLs and tickets: 1-32 of a-z 0-9 -
 * @param joinFrom        joins are taken from this instant; those before {@code opensAt} form the
 *                        pre-queue, placed in random order at opening
 * @param opensAt         nobody is admitted before this instant (server clock)
 * @param admission       the admission policy and its bounds
 * @param passLifetime    how long a pass stays valid after its holder was admitted
 * @param keyedByPerson   one place per verified person (every tab and device of a person shares it);
 *                        joining needs a verified session
 * @param mode            what the operator has set: active, paused, closed
 * @param notice          shown to people waiting (e.g. why the gate is paused, in Korean and English, and
 *                        when it is expected back); {@link GateNotice#NONE} for none
 * @param maxPollInterval the longest a waiting browser is told to wait before asking again
 */
public record GateConfig(String name, Instant joinFrom, Instant opensAt, AdmissionPolicy admission, Duration passLifetime,
                         boolean keyedByPerson, GateMode mode, GateNotice notice, Duration maxPollInterval) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,32}");
    /** Default longest poll interval: one minute. */
    public static final Duration DEFAULT_MAX_POLL = Duration.ofSeconds(60);

    public GateConfig {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("gate name '" + name + "' must be 1-32 of a-z 0-9 -");
        }
        Objects.requireNonNull(joinFrom, "joinFrom");
        Objects.requireNonNull(opensAt, "opensAt");
        Objects.requireNonNull(admission, "admission");
        Objects.requireNonNull(passLifetime, "passLifetime");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(maxPollInterval, "maxPollInterval");
        notice = notice == null ? GateNotice.NONE : notice;
        if (joinFrom.isAfter(opensAt)) {
            throw new IllegalArgumentException("gate '" + name + "': joinFrom " + joinFrom + " is after opensAt " + opensAt);
        }
        if (passLifetime.compareTo(Duration.ofSeconds(10)) < 0 || passLifetime.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("gate '" + name + "': passLifetime must be 10 s to 1 day, was " + passLifetime);
        }
        if (maxPollInterval.compareTo(Duration.ofSeconds(1)) < 0 || maxPollInterval.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("gate '" + name + "': maxPollInterval must be 1 s to 10 min, was " + maxPollInterval);
        }
    }

    /** A gate whose people read one message in every language, with no time it is expected back. */
    public GateConfig(String name, Instant joinFrom, Instant opensAt, AdmissionPolicy admission, Duration passLifetime,
                      boolean keyedByPerson, GateMode mode, String message, Duration maxPollInterval) {
        this(name, joinFrom, opensAt, admission, passLifetime, keyedByPerson, mode, GateNotice.of(message), maxPollInterval);
    }

    /** The message for Korean pages (or the only one); empty for none. */
    public String message() {
        return notice.message();
    }

    /** A gate open from {@code opensAt}, joinable from then, active, at a fixed rate. */
    public static GateConfig fixedRate(String name, Instant opensAt, double perSecond, Duration passLifetime) {
        return new GateConfig(name, opensAt, opensAt, new AdmissionPolicy.FixedRate(perSecond), passLifetime, false,
                GateMode.ACTIVE, "", DEFAULT_MAX_POLL);
    }

    public GatePhase phaseAt(Instant now) {
        return switch (mode) {
            case CLOSED -> GatePhase.CLOSED;
            case PAUSED -> GatePhase.PAUSED;
            case ACTIVE -> now.isBefore(joinFrom) ? GatePhase.SCHEDULED
                    : now.isBefore(opensAt) ? GatePhase.PRE_QUEUE : GatePhase.OPEN;
        };
    }

    public GateConfig withMode(GateMode newMode, String newMessage) {
        return withMode(newMode, GateNotice.of(newMessage));
    }

    public GateConfig withMode(GateMode newMode, GateNotice newNotice) {
        return new GateConfig(name, joinFrom, opensAt, admission, passLifetime, keyedByPerson, newMode, newNotice, maxPollInterval);
    }

    public GateConfig withAdmission(AdmissionPolicy newAdmission) {
        return new GateConfig(name, joinFrom, opensAt, newAdmission, passLifetime, keyedByPerson, mode, notice, maxPollInterval);
    }

    /** The nominal admission rate, for estimates before anything is measured. */
    public double admitPerSecond() {
        return admission.nominalPerSecond();
    }
}
