package dev.orderly.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class InMemoryResidentRegistryTest {

    private static final Person HONG = new Person(17, "홍길동", LocalDate.of(1964, 5, 5), "01012345678");
    private static final Person TWIN = new Person(18, "홍길순", LocalDate.of(1964, 5, 5), "01012345678");

    private final InMemoryResidentRegistry registry = new InMemoryResidentRegistry().add(HONG).add(TWIN);

    @Test
    void aResidentIsFoundOnlyWhenNameBirthDateAndPhoneAllMatch() {
        assertThat(registry.find("홍길동", LocalDate.of(1964, 5, 5), "01012345678")).contains(HONG);
        assertThat(registry.find("홍길순", LocalDate.of(1964, 5, 5), "01012345678")).contains(TWIN);
        assertThat(registry.find("홍길동", LocalDate.of(1964, 5, 6), "01012345678")).isEmpty();
        assertThat(registry.find("홍길동", LocalDate.of(1964, 5, 5), "01012345679")).isEmpty();
    }

    @Test
    void aResidentIsFoundById() {
        assertThat(registry.byId(17)).contains(HONG);
        assertThat(registry.byId(99)).isEmpty();
    }
}
