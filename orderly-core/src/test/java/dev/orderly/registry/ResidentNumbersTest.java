package dev.orderly.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class ResidentNumbersTest {

    @Test
    void aNumberIsReducedToItsThirteenDigitsWithOrWithoutTheDash() {
        assertThat(ResidentNumbers.normalise("640505-1234567")).contains("6405051234567");
        assertThat(ResidentNumbers.normalise("6405051234567")).contains("6405051234567");
        assertThat(ResidentNumbers.normalise(" 640505 - 1234567 ")).contains("6405051234567");
    }

    @Test
    void theSeventhDigitGivesTheCentury() {
        assertThat(ResidentNumbers.birthDateOf("6405051234567")).contains(LocalDate.of(1964, 5, 5));
        assertThat(ResidentNumbers.birthDateOf("6405056234567")).contains(LocalDate.of(1964, 5, 5));
        assertThat(ResidentNumbers.birthDateOf("0102033234567")).contains(LocalDate.of(2001, 2, 3));
        assertThat(ResidentNumbers.birthDateOf("0102038234567")).contains(LocalDate.of(2001, 2, 3));
        assertThat(ResidentNumbers.birthDateOf("9912319234567")).contains(LocalDate.of(1899, 12, 31));
    }

    @Test
    void whatIsNotANumberWithARealBirthDateIsRefused() {
        for (String bad : new String[] {null, "", "640505-123456", "640505-12345678", "641305-1234567", "640230-1234567",
                "640505_1234567", "64O505-1234567", "640505--1234567"}) {
            assertThat(ResidentNumbers.normalise(bad)).as("%s", bad).isEmpty();
        }
        assertThat(ResidentNumbers.birthDateOf("640505123456")).isEmpty();
    }

    @Test
    void theDashedFormIsTheOnePeopleWrite() {
        assertThat(ResidentNumbers.dashed("6405051234567")).isEqualTo("640505-1234567");
    }
}
