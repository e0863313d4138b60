package dev.orderly.gate;

import dev.orderly.token.HmacTokenSigner;
import dev.orderly.token.SigningKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Leave the line, get a text when your turn nears (issue #16). A verified person waiting in a line
 * may close the page: when the gate's own estimate of their remaining wait falls to
 * {@link Settings#lead()} or less (or their turn came), one text goes to the phone the registry
 * holds for them, with a link that gives their place back — the same number, in whichever browser
 * first opens it. Their pass lasts its lifetime from that text, not from an admission that may have
 * come earlier, so nobody is turned away for having been away until called.
 *
 * <p>What the guarantees rest on: the text is queued and marked in one step of the
 * {@link RecallStore} (never twice, on any number of nodes); the link is signed (a forged one
 * fails), names one recall, works for one browser, and expires; the restored ticket has the
 * original number and holder, and passes are spent by rank, so two browsers holding one place
 * still get through the protected step once.
 */
public final class LeaveTheLine {

    /**
     * @param lead         text when about this much wait remains
     * @param linkLifetime the link works this long after the text
     * @param linkBase     the server's public address, e.g. {@code https://orderly.example}
     */
    public record Settings(Duration lead, Duration linkLifetime, String linkBase) {
        public static final Duration DEFAULT_LEAD = Duration.ofMinutes(5);
        public static final Duration DEFAULT_LINK_LIFETIME = Duration.ofHours(1);

        public Settings {
            if (lead.isNegative() || lead.compareTo(Duration.ofHours(2)) > 0) {
                throw new IllegalArgumentException("lead must be 0 to 2 hours, was " + lead);
            }
            if (linkLifetime.compareTo(Duration.ofMinutes(1)) < 0 || linkLifetime.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("link lifetime must be 1 minute to 1 day, was " + linkLifetime);
            }
            linkBase = Objects.requireNonNull(linkBase, "linkBase").replaceAll("/+$", "");
        }
    }

    /** What became of asking to leave. */
    public sealed interface LeaveOutcome {
    }

    /** Armed: a text comes when about {@code lead} remains. */
    public record Left(LineRecall recall, Duration lead) implements LeaveOutcome {
    }

    /** The ticket is not waiting (refused, or its turn came already): nothing to leave. */
    public record NotWaiting(GateStatus status) implements LeaveOutcome {
    }

    /** The place is held by another person than the one asking (keyed gates). */
    public record NotYours() implements LeaveOutcome {
    }

    /** This number already waits to be texted for another place in this line: one recall per phone per gate. */
    public record PhoneTaken() implements LeaveOutcome {
    }

    /** What became of a link opened. */
    public sealed interface RestoreOutcome {
    }

    /** The place, handed to the browser that opened the link. */
    public record Restored(WaitingRoom.Joined place, LineRecall recall) implements RestoreOutcome {
    }

    /** Not a link this server sent (forged, altered, or never texted). */
    public record InvalidLink() implements RestoreOutcome {
    }

    public record LinkExpired(Instant at) implements RestoreOutcome {
    }

    /** Another browser opened this link first; a place is one person's. */
    public record OtherBrowser() implements RestoreOutcome {
    }

    private final WaitingRoom room;
    private final GateTokens tickets;
    private final RecallStore store;
    private final HmacTokenSigner links;
    private final Clock clock;
    private final RandomGenerator random;
    private final Settings settings;
    /** No line runs this long: a number kept for a recall this old belongs to a night that is over. */
    public static final Duration ABANDONED_AFTER = Duration.ofHours(24);
    private volatile Instant nextSweep = Instant.MIN;

    /** @param random draws recall ids: a {@link java.security.SecureRandom} wherever it counts */
    public LeaveTheLine(WaitingRoom room, GateTokens tickets, RecallStore store, SigningKeys keys, Clock clock, RandomGenerator random,
                        Settings settings) {
        this.room = room;
        this.tickets = tickets;
        this.store = store;
        this.links = new HmacTokenSigner(keys, "recall");
        this.clock = clock;
        this.random = random;
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /** {@code personId}, verified, leaves the place {@code ticketToken} holds for {@code browserId}. */
    public LeaveOutcome leave(String gate, String ticketToken, String browserId, long personId) {
        GateStatus status = room.status(gate, ticketToken, browserId);
        if (!(status instanceof GateStatus.Waiting)) {
            return new NotWaiting(status);
        }
        Ticket ticket = tickets.decodeTicket(ticketToken).orElseThrow();
        if (!ticket.holder().isEmpty() && !ticket.holder().equals("person:" + personId)) {
            return new NotYours();
        }
        byte[] id = new byte[18];
        random.nextBytes(id);
        LineRecall armed = store.arm(new LineRecall(HexFormat.of().formatHex(id), ticket, personId, clock.instant(), null, ""));
        // Nobody polls a place whose holder was let go: it must not lapse before the call-back.
        room.hold(ticket);
        return new Left(armed, settings.lead());
    }

    /**
     * Anyone waiting leaves the place {@code ticketToken} holds for {@code browserId}, to be texted
     * at {@code phone}: call only once the caller proved the number with a code
     * ({@link RecallPhoneCodes}). The text, link and pass lifetime are those of a verified person's.
     */
    public LeaveOutcome leaveByPhone(String gate, String ticketToken, String browserId, String phone) {
        GateStatus status = room.status(gate, ticketToken, browserId);
        if (!(status instanceof GateStatus.Waiting)) {
            return new NotWaiting(status);
        }
        Ticket ticket = tickets.decodeTicket(ticketToken).orElseThrow();
        byte[] id = new byte[18];
        random.nextBytes(id);
        LineRecall armed = store.arm(new LineRecall(HexFormat.of().formatHex(id), ticket, 0, clock.instant(), null, "", phone));
        if (armed.ticket().sequence() != ticket.sequence()) {
            return new PhoneTaken();
        }
        room.hold(ticket);
        return new Left(armed, settings.lead());
    }

    /**
     * Queues the texts that are due; returns the recalls texted. Safe to call on every node at once.
     * At most once a minute it also forgets the numbers of recalls by phone that waited a whole
     * {@link #ABANDONED_AFTER} without being texted (their line never reached them).
     */
    public List<LineRecall> sendDue(int limit) {
        Instant now = clock.instant();
        if (!now.isBefore(nextSweep)) {
            nextSweep = now.plus(Duration.ofMinutes(1));
            store.forgetAbandoned(now.minus(ABANDONED_AFTER));
        }
        return store.textDue(now, limit, r -> room.remainingWait(r.ticket().gate(), r.ticket().sequence())
                .filter(wait -> wait.compareTo(settings.lead()) <= 0)
                .map(wait -> text(r, wait)));
    }

    private String text(LineRecall r, Duration wait) {
        String link = link(r);
        long minutes = Math.max(1, (wait.toSeconds() + 59) / 60);
        return wait.isZero()
                ? "[Orderly] 차례가 되었습니다. 이 링크로 돌아오세요: " + link + " / Your turn has come: " + link
                : "[Orderly] 약 " + minutes + "분 뒤 차례입니다. 이 링크로 돌아오세요: " + link + " / Your turn is about " + minutes
                        + " min away: " + link;
    }

    /** The link in the text; the token rides in the fragment, which browsers do not send to any server or log. */
    public String link(LineRecall r) {
        return settings.linkBase() + "/back.html?gate=" + r.ticket().gate() + "#" + links.sign(r.id());
    }

    /** The place behind a link's token, handed to {@code browserId}. */
    public RestoreOutcome restore(String token, String browserId) {
        Optional<LineRecall> found = links.verify(token).flatMap(store::find);
        if (found.isEmpty() || !found.get().texted()) {
            return new InvalidLink();
        }
        LineRecall r = found.get();
        Instant expires = r.textedAt().plus(settings.linkLifetime());
        if (!clock.instant().isBefore(expires)) {
            return new LinkExpired(expires);
        }
        if (!store.bindBrowser(r.id(), browserId)) {
            return new OtherBrowser();
        }
        return new Restored(room.restore(r.ticket(), browserId, r.textedAt()), r.restoredIn(browserId));
    }
}
