package dev.orderly.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.testing.Race;
import java.text.Normalizer;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link ResidentRegistry} promises. Bind it with a subclass per adapter. */
public abstract class ResidentRegistryContract {

    protected static final ResidentRecord HONG = new ResidentRecord("6405051234567", "홍길동", LocalDate.of(1964, 5, 5), "01012345678");
    /** Shares Hong's phone (a family phone) and birth date, not his name. */
    protected static final ResidentRecord TWIN = new ResidentRecord("6405052234568", "홍길순", LocalDate.of(1964, 5, 5), "01012345678");
    protected static final ResidentRecord KIM = new ResidentRecord("0102033234569", "김철수", LocalDate.of(2001, 2, 3), "0111234567");

    /** A registry holding exactly {@code records}; called once per test. */
    protected abstract ResidentRegistry registryOf(List<ResidentRecord> records);

    private ResidentRegistry registry;

    @BeforeEach
    void fill() {
        registry = registryOf(List.of(HONG, TWIN, KIM));
    }

    private long idOf(ResidentRecord r) {
        return registry.byResidentNumber(r.residentNumber()).orElseThrow().id();
    }

    @Test
    void aResidentIsFoundOnlyWhenNameBirthDateAndPhoneAllMatch() {
        Person hong = registry.find("홍길동", LocalDate.of(1964, 5, 5), "01012345678").orElseThrow();

        assertThat(hong).isEqualTo(new Person(idOf(HONG), "홍길동", LocalDate.of(1964, 5, 5), "01012345678"));
        assertThat(registry.find("홍길순", LocalDate.of(1964, 5, 5), "01012345678").orElseThrow().id()).isEqualTo(idOf(TWIN));
        assertThat(registry.find("홍길동", LocalDate.of(1964, 5, 6), "01012345678")).isEmpty();
        assertThat(registry.find("홍길동", LocalDate.of(1964, 5, 5), "01012345679")).isEmpty();
        assertThat(registry.find("홍길", LocalDate.of(1964, 5, 5), "01012345678")).isEmpty();
    }

    @Test
    void aResidentIsFoundByIdWithTheirPhoneReadable() {
        Person kim = registry.byId(idOf(KIM)).orElseThrow();

        assertThat(kim.phone()).isEqualTo("0111234567");
        assertThat(kim.maskedPhone()).isEqualTo("011-****-4567");
        assertThat(registry.byId(987_654_321L)).isEmpty();
    }

    @Test
    void manyLookupsAtOnceEachFindTheirOwnResident() {
        Optional<Person> hong = registry.find("홍길동", LocalDate.of(1964, 5, 5), "01012345678");
        Optional<Person> twin = registry.find("홍길순", LocalDate.of(1964, 5, 5), "01012345678");
        Optional<Person> kim = registry.byId(idOf(KIM));
        long kimId = idOf(KIM);
        assertThat(hong).isPresent();
        assertThat(twin).isPresent().isNotEqualTo(hong);

        List<Integer> wrong = Race.run(8, Duration.ofSeconds(30), i -> {
            int off = 0;
            for (int n = 0; n < 40; n++) {
                off += registry.find("홍길동", LocalDate.of(1964, 5, 5), "01012345678").equals(hong) ? 0 : 1;
                off += registry.find("홍길순", LocalDate.of(1964, 5, 5), "01012345678").equals(twin) ? 0 : 1;
                off += registry.find("홍길동", LocalDate.of(1964, 5, 6), "01012345678").isEmpty() ? 0 : 1;
                off += registry.byId(kimId).equals(kim) ? 0 : 1;
                off += registry.byId(987_654_321L).isEmpty() ? 0 : 1;
            }
            return off;
        });

        assertThat(wrong).as("lookups answered with someone else, per thread").containsOnly(0);
    }

    @Test
    void aResidentIsFoundByResidentNumberAndOnlyByTheWholeOfIt() {
        assertThat(registry.byResidentNumber("6405051234567").orElseThrow().name()).isEqualTo("홍길동");
        assertThat(registry.byResidentNumber("6405051234566")).isEmpty();
        assertThat(registry.byResidentNumber("640505123456")).isEmpty();
    }

    @Test
    void residentsHaveDistinctIds() {
        assertThat(List.of(idOf(HONG), idOf(TWIN), idOf(KIM))).doesNotHaveDuplicates();
    }

    @Test
    void aNameIsComparedInItsComposedForm() {
        String decomposed = Normalizer.normalize("홍길동", Normalizer.Form.NFD);
        assertThat(decomposed).isNotEqualTo("홍길동");

        assertThat(registry.find(Names.normalise(decomposed).orElseThrow(), LocalDate.of(1964, 5, 5), "01012345678")).isPresent();
    }
}
