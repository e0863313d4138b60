package dev.orderly.staff;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.OptionalLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class TotpProperties {

    @Property(tries = 300)
    void theCodeOfAMomentIsAcceptedWithinOneStepAndOnlyOnce(@ForAll @Size(20) byte[] key,
                                                           @ForAll @LongRange(min = 0, max = 4_000_000_000L) long seconds,
                                                           @ForAll @IntRange(min = -1, max = 1) int stepsLater,
                                                           @ForAll @IntRange(min = 0, max = 29) int intoTheStep) {
        String secret = Base32.encode(key);
        Instant issued = Instant.ofEpochSecond(seconds);
        String code = Totp.code(secret, issued);
        // Checked anywhere in the step before, the same step or the step after the one the code was read off the phone.
        Instant checked = Instant.ofEpochSecond((Totp.step(issued) + stepsLater) * Totp.STEP_SECONDS + intoTheStep);

        OptionalLong step = Totp.match(secret, code, checked, -1);

        assertThat(step).isPresent();
        assertThat(Math.abs(step.getAsLong() - Totp.step(checked))).isLessThanOrEqualTo(Totp.WINDOW);
        assertThat(Totp.code(Base32.decode(secret), step.getAsLong(), Totp.DIGITS)).isEqualTo(code);
        OptionalLong again = Totp.match(secret, code, checked, step.getAsLong());
        assertThat(again.isEmpty() || again.getAsLong() > step.getAsLong()).isTrue();
    }

    @Property(tries = 300)
    void base32RoundTrips(@ForAll @Size(max = 64) byte[] bytes) {
        assertThat(Base32.decode(Base32.encode(bytes))).isEqualTo(bytes);
    }
}
