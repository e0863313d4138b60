package dev.orderly.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PersonalDataTest {

    @Test
    void residentNumbersPhonesAndCodesAreRedactedInEveryUsualForm() {
        assertThat(PersonalData.redact("rrn 640505-1234567 and 6405051234567")).isEqualTo("rrn [redacted] and [redacted]");
        assertThat(PersonalData.redact("to 010-1234-5678, 01012345678, 010 1234 5678, +82-10-1234-5678, 011-123-4567"))
                .isEqualTo("to [redacted], [redacted], [redacted], [redacted], [redacted]");
        assertThat(PersonalData.redact("code 042917.")).isEqualTo("code [redacted].");
    }

    @Test
    void ordinaryTextIsLeftAlone() {
        String text = "delivery failed at 2021-08-09T11:00:00Z after 3 attempts (HTTP 503), reference OR-AB12CD34, port 40425";

        assertThat(PersonalData.redact(text)).isEqualTo(text);
        assertThat(PersonalData.redact(null)).isNull();
    }
}
