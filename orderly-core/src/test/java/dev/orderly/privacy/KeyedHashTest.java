package dev.orderly.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orderly.token.TestKeys;
import org.junit.jupiter.api.Test;

class KeyedHashTest {

    private final KeyedHash numbers = new KeyedHash(TestKeys.secret(1), "resident-number");

    @Test
    void theSameValueAndKeyGiveTheSameHash() {
        assertThat(numbers.of("6405051234567")).isEqualTo(numbers.of("6405051234567")).hasSize(32);
        assertThat(numbers.of("6405051234567")).isNotEqualTo(numbers.of("6405051234568"));
        assertThat(numbers.text("6405051234567")).hasSize(43).doesNotContain("6405051234567");
    }

    @Test
    void anotherKeyOrPurposeGivesAnotherHash() {
        assertThat(new KeyedHash(TestKeys.secret(2), "resident-number").of("6405051234567")).isNotEqualTo(numbers.of("6405051234567"));
        assertThat(numbers.forPurpose("phone").of("6405051234567")).isNotEqualTo(numbers.of("6405051234567"));
    }

    @Test
    void theCheckValueTellsKeysApartAndNotPurposes() {
        assertThat(numbers.checkValue()).isEqualTo(numbers.forPurpose("phone").checkValue());
        assertThat(numbers.checkValue()).isNotEqualTo(new KeyedHash(TestKeys.secret(2), "resident-number").checkValue());
    }

    @Test
    void aShortKeyIsRefusedAndNoKeyIsPrinted() {
        assertThatThrownBy(() -> new KeyedHash(new byte[31], "x")).hasMessageContaining("31");
        assertThat(numbers.toString()).isEqualTo("KeyedHash[resident-number]");
    }

    @Test
    void hashesAreComparedWholly() {
        assertThat(KeyedHash.same(numbers.of("a"), numbers.of("a"))).isTrue();
        assertThat(KeyedHash.same(numbers.of("a"), numbers.of("b"))).isFalse();
        assertThat(KeyedHash.same(null, numbers.of("a"))).isFalse();
    }
}
