package dev.orderly.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class PhoneNumbersTest {

    @Test
    void aMobileNumberIsReducedToItsDigitsHoweverItIsWritten() {
        assertThat(PhoneNumbers.normalise("010-1234-5678")).contains("01012345678");
        assertThat(PhoneNumbers.normalise("010 1234 5678")).contains("01012345678");
        assertThat(PhoneNumbers.normalise(" 01012345678 ")).contains("01012345678");
        assertThat(PhoneNumbers.normalise("011-123-4567")).contains("0111234567");
        assertThat(PhoneNumbers.normalise("019-1234-5678")).contains("01912345678");
    }

    @Test
    void whatIsNotAKoreanMobileNumberIsNotNormalised() {
        for (String notMobile : new String[] {null, "", "02-123-4567", "012-1234-5678", "010-1234-56789", "010-123-456",
                "010.1234.5678", "+82-10-1234-5678", "010-1234-567a", "phone"}) {
            assertThat(PhoneNumbers.normalise(notMobile)).as("%s", notMobile).isEmpty();
        }
    }

    @Test
    void maskingShowsTheOperatorPrefixAndTheLastFourDigitsOnly() {
        assertThat(PhoneNumbers.mask("01012345678")).isEqualTo("010-****-5678");
        assertThat(PhoneNumbers.mask("0111234567")).isEqualTo("011-****-4567");
        assertThat(PhoneNumbers.mask("123456")).isEqualTo("***");
        assertThat(new Person(1, "홍길동", LocalDate.of(1964, 5, 5), "01012345678").maskedPhone()).isEqualTo("010-****-5678");
    }
}
