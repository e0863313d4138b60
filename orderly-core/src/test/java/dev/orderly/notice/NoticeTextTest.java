package dev.orderly.notice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The limits of a message's text and how an audience is named. */
class NoticeTextTest {

    @Test
    void charactersAreCountedAsPeopleSeeThemNotAsUtf16Units() {
        String emoji = "💉".repeat(NoticeText.MAX_CHARACTERS);
        assertThat(new NoticeText(emoji, Optional.empty()).body()).endsWith(emoji);
        assertThatThrownBy(() -> new NoticeText(emoji + "!", Optional.empty())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEmptyOrBlankTextIsRefused() {
        assertThatThrownBy(() -> new NoticeText("", Optional.empty())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NoticeText(" \n ", Optional.empty())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NoticeText(null, Optional.empty())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NoticeText("2차 접종일 변경", Optional.of("  "))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anAudienceIsNamedForTheAuditLogAndADoseIsOneOrTwo() {
        assertThat(new Audience.CohortMembers("over-75").target()).isEqualTo("cohort:over-75");
        assertThat(new Audience.ClinicBookings(12, Optional.empty(), Optional.empty()).target()).isEqualTo("clinic:12");
        assertThat(new Audience.ClinicBookings(12, Optional.of(LocalDate.of(2030, 7, 26)), Optional.of(2)).target())
                .isEqualTo("clinic:12/2030-07-26/dose2");
        assertThatThrownBy(() -> new Audience.ClinicBookings(12, Optional.empty(), Optional.of(3))).isInstanceOf(IllegalArgumentException.class);
    }
}
