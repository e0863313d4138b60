package dev.orderly.assist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.time.MutableClock;
import java.time.Duration;
import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class AssistedSessionsTest {

    private static final Instant T0 = Instant.parse("2021-08-09T11:00:00Z");
    private static final Duration LIFETIME = Duration.ofMinutes(15);

    private final MutableClock clock = MutableClock.at(T0);
    private final AssistedSessions sessions = new AssistedSessions(new InMemoryAssistedStore(), clock, LIFETIME);

    @Test
    void nothingIsDoneForAResidentBeforeTheirCodeComesBack() {
        sessions.offer("staff:a", "agent:kim", 17, "c1");

        assertThat(sessions.check("staff:a")).isInstanceOf(AssistedCheck.Pending.class);
        assertThat(sessions.check("staff:b")).isInstanceOf(AssistedCheck.None.class);
    }

    @Test
    void theRightChallengeConfirmsAndTheSessionLastsItsLifetimeFromThen() {
        sessions.offer("staff:a", "agent:kim", 17, "c1");
        clock.advance(Duration.ofMinutes(2));

        Assisted active = sessions.confirm("staff:a", "c1", 17).orElseThrow();

        assertThat(active.expiresAt()).isEqualTo(T0.plus(Duration.ofMinutes(2)).plus(LIFETIME));
        assertThat(sessions.check("staff:a")).isEqualTo(new AssistedCheck.Active(active));
        clock.set(active.expiresAt().minusMillis(1));
        assertThat(sessions.check("staff:a")).isInstanceOf(AssistedCheck.Active.class);
        clock.set(active.expiresAt());
        assertThat(sessions.check("staff:a")).isEqualTo(new AssistedCheck.Expired(active.expiresAt()));
    }

    @Test
    void anotherBindingCannotAnswerTheChallenge() {
        sessions.offer("staff:a", "agent:kim", 17, "c1");

        assertThat(sessions.awaiting("staff:b", "c1")).isEmpty();
        assertThat(sessions.confirm("staff:b", "c1", 17)).isEmpty();
        assertThat(sessions.check("staff:b")).isInstanceOf(AssistedCheck.None.class);
    }

    @Test
    void anOlderChallengeOrAnotherPersonDoesNotConfirm() {
        sessions.offer("staff:a", "agent:kim", 17, "c1");
        sessions.offer("staff:a", "agent:kim", 18, "c2");

        assertThat(sessions.confirm("staff:a", "c1", 17)).as("replaced by the newer code").isEmpty();
        assertThat(sessions.confirm("staff:a", "c2", 17)).as("the code was for 18").isEmpty();
        assertThat(sessions.confirm("staff:a", "c2", 18)).isPresent();
    }

    @Test
    void aConfirmedSessionIsNotConfirmedAgainNorExtended() {
        sessions.offer("person:5", "person:5", 17, "c1");
        Assisted first = sessions.confirm("person:5", "c1", 17).orElseThrow();
        clock.advance(Duration.ofMinutes(5));

        assertThat(sessions.confirm("person:5", "c1", 17)).isEmpty();
        assertThat(sessions.check("person:5")).isEqualTo(new AssistedCheck.Active(first));
    }

    @Test
    void endingForgetsTheSession() {
        sessions.offer("staff:a", "agent:kim", 17, "c1");
        sessions.confirm("staff:a", "c1", 17);

        sessions.end("staff:a");

        assertThat(sessions.check("staff:a")).isInstanceOf(AssistedCheck.None.class);
    }

    @Test
    void anUnansweredOfferExpiresToo() {
        sessions.offer("staff:a", "agent:kim", 17, "c1");
        clock.advance(LIFETIME);

        assertThat(sessions.check("staff:a")).isInstanceOf(AssistedCheck.Expired.class);
        assertThat(sessions.confirm("staff:a", "c1", 17)).isEmpty();
    }

    /** Whatever the timing, a session acts for a resident only after their code and only within the lifetime after it. */
    @Property
    void activeExactlyBetweenConfirmationAndItsLifetime(@ForAll @IntRange(min = 0, max = 2_000) int secondsToConfirm,
                                                        @ForAll @IntRange(min = 0, max = 3_000) int secondsAfter,
                                                        @ForAll boolean rightChallenge) {
        MutableClock c = MutableClock.at(T0);
        AssistedSessions s = new AssistedSessions(new InMemoryAssistedStore(), c, LIFETIME);
        s.offer("staff:x", "agent:lee", 42, "right");
        c.advance(Duration.ofSeconds(secondsToConfirm));
        boolean confirmed = s.confirm("staff:x", rightChallenge ? "right" : "wrong", 42).isPresent();
        c.advance(Duration.ofSeconds(secondsAfter));

        boolean inTimeToConfirm = secondsToConfirm < LIFETIME.toSeconds();
        assertThat(confirmed).isEqualTo(rightChallenge && inTimeToConfirm);
        boolean active = s.check("staff:x") instanceof AssistedCheck.Active;
        assertThat(active).isEqualTo(confirmed && secondsAfter < LIFETIME.toSeconds());
    }

    @Test
    void namesAreMaskedBetweenFirstAndLastLetter() {
        assertThat(NameMask.of("홍길동")).isEqualTo("홍*동");
        assertThat(NameMask.of("남궁민수")).isEqualTo("남**수");
        assertThat(NameMask.of("이순")).isEqualTo("이*");
        assertThat(NameMask.of("Kim Minji")).isEqualTo("K** ****i");
        assertThat(NameMask.of("김")).isEqualTo("*");
    }

    @Test
    void theNoticeSaysWhoActedAndNeverTheirName() {
        OnBehalf family = new OnBehalf(17, "ABC123", OnBehalf.BOOK, "person:5", T0);
        OnBehalf agent = new OnBehalf(17, "ABC123", OnBehalf.CANCEL, "agent:kim", T0);

        assertThat(family.notice()).contains("가족").contains("ABC123").contains("a family member booked");
        assertThat(agent.notice()).contains("콜센터").contains("the call centre cancelled").doesNotContain("kim");
    }
}
