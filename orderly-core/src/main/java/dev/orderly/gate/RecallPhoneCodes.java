package dev.orderly.gate;

import dev.orderly.identity.Challenge;
import dev.orderly.identity.ChallengeStore;
import dev.orderly.identity.CodeAttempt;
import dev.orderly.identity.DailyQuota;
import dev.orderly.identity.OneTimeCodeVerifier;
import dev.orderly.identity.SmsGateway;
import dev.orderly.privacy.KeyedHash;
import dev.orderly.time.SeoulCalendar;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Leave the line with a phone number instead of a verified identity (issue #16): anyone waiting
 * gives a mobile number, gets a six-digit code on it, and the code arms the recall for their place.
 * The code proves only that the number is theirs to read, which is all a text needs.
 *
 * <p>It is the identity challenge again, in its store and under its limits: the code is never kept
 * (an HMAC of the challenge id, code, number and place), a right code is accepted once and before
 * expiry, a challenge dies after {@code maxTries} wrong ones, and a number gets at most
 * {@code challengesPerPhonePerDay} codes a Seoul day, counted in the same shared quota as identity
 * codes sent to it, so this is no second door for texting a stranger's phone. Binding the number
 * and the place into the HMAC means a code proves one number for one place: presenting another
 * number, or another ticket, is a wrong code.
 */
public final class RecallPhoneCodes {

    /** What became of asking for a code. */
    public sealed interface Started {
    }

    public record CodeSent(String challengeId, Instant expiresAt) implements Started {
    }

    /** Only a place still waiting can be left. */
    public record NotWaiting(GateStatus status) implements Started {
    }

    /** The number's codes for the day are spent; the next day starts at {@code retryAt}. */
    public record TooManyCodes(Instant retryAt) implements Started {
    }

    /** The gateway refused the text; the challenge is withdrawn. */
    public record NotSent() implements Started {
    }

    /** What became of a code presented. */
    public sealed interface Confirmed {
    }

    public record Armed(LeaveTheLine.LeaveOutcome outcome) implements Confirmed {
    }

    public record WrongCode(int triesLeft) implements Confirmed {
    }

    public record Expired() implements Confirmed {
    }

    public record TooManyTries() implements Confirmed {
    }

    /** No such challenge, or its code was used already. */
    public record UnknownChallenge() implements Confirmed {
    }

    private final LeaveTheLine leaving;
    private final WaitingRoom room;
    private final GateTokens tickets;
    private final ChallengeStore challenges;
    private final DailyQuota quota;
    private final SmsGateway sms;
    private final KeyedHash codeMac;
    private final KeyedHash phoneKey;
    private final Clock clock;
    private final RandomGenerator random;
    private final OneTimeCodeVerifier.Limits limits;

    /** @param secret the identity provider's: the per-phone quota key must be the same hash as its own */
    public RecallPhoneCodes(LeaveTheLine leaving, WaitingRoom room, GateTokens tickets, ChallengeStore challenges, DailyQuota quota,
                            SmsGateway sms, KeyedHash secret, Clock clock, RandomGenerator random, OneTimeCodeVerifier.Limits limits) {
        this.leaving = leaving;
        this.room = room;
        this.tickets = tickets;
        this.challenges = challenges;
        this.quota = quota;
        this.sms = sms;
        this.codeMac = secret.forPurpose("recall-code");
        this.phoneKey = secret.forPurpose("daily-quota-phone");
        this.clock = clock;
        this.random = random;
        this.limits = limits;
    }

    /** Texts a code to {@code phone} (digits only) for the place {@code ticketToken} holds. */
    public Started start(String gate, String ticketToken, String browserId, String phone) {
        GateStatus status = room.status(gate, ticketToken, browserId);
        if (!(status instanceof GateStatus.Waiting)) {
            return new NotWaiting(status);
        }
        Ticket ticket = tickets.decodeTicket(ticketToken).orElseThrow();
        Instant now = clock.instant();
        LocalDate today = SeoulCalendar.dateAt(now);
        if (!quota.tryTake("phone:" + phoneKey.text(phone), today, limits.challengesPerPhonePerDay())) {
            return new TooManyCodes(SeoulCalendar.startOf(today.plusDays(1)));
        }
        String code = "%06d".formatted(random.nextInt(1_000_000));
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        String id = HexFormat.of().formatHex(bytes);
        Instant expiresAt = now.plus(limits.codeLifetime());
        // No resident stands behind the challenge: person 0, as the recall's.
        challenges.save(new Challenge(id, 0, codeMac.text(bound(id, code, phone, ticket)), expiresAt, 0, false));
        try {
            sms.send(phone, "[Orderly] 차례 알림 인증번호 " + code + " / code to be texted when your turn nears: " + code);
        } catch (SmsGateway.SmsDeliveryException e) {
            challenges.update(id, c -> new Challenge(c.id(), c.personId(), c.codeMac(), c.expiresAt(), c.failedTries(), true));
            return new NotSent();
        }
        return new CodeSent(id, expiresAt);
    }

    /** Checks {@code code}; a right one arms the recall for the place, to be texted at {@code phone}. */
    public Confirmed confirm(String gate, String ticketToken, String browserId, String challengeId, String phone, String code) {
        Optional<Ticket> ticket = tickets.decodeTicket(ticketToken);
        Instant now = clock.instant();
        byte[] presented = code == null || ticket.isEmpty() ? null : codeMac.of(bound(challengeId, code, phone, ticket.get()));
        // Decided inside the store's atomic update, as the identity check is (CodeAttempt), so
        // parallel guesses cannot get past maxTries. A person's identity challenge is no recall's.
        Confirmed[] answer = {null};
        Optional<Challenge> after = challenges.update(challengeId, cur -> {
            if (cur.personId() != 0) {
                answer[0] = new UnknownChallenge();
                return cur;
            }
            CodeAttempt attempt = CodeAttempt.decide(cur, now, presented, limits.maxTries());
            answer[0] = switch (attempt.outcome()) {
                case USED -> new UnknownChallenge();
                case EXPIRED -> new Expired();
                case TOO_MANY_TRIES -> new TooManyTries();
                case RIGHT -> null;
                case WRONG -> attempt.triesLeft() <= 0 ? new TooManyTries() : new WrongCode(attempt.triesLeft());
            };
            return attempt.next();
        });
        if (after.isEmpty()) {
            return new UnknownChallenge();
        }
        if (answer[0] != null) {
            return answer[0];
        }
        return new Armed(leaving.leaveByPhone(gate, ticketToken, browserId, phone));
    }

    private static String bound(String challengeId, String code, String phone, Ticket ticket) {
        return challengeId + ":" + code + ":" + phone + ":" + ticket.gate() + ":" + ticket.sequence();
    }
}
