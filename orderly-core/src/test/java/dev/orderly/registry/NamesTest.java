package dev.orderly.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.Normalizer;
import org.junit.jupiter.api.Test;

class NamesTest {

    @Test
    void aNameIsComposedTrimmedAndItsSpacesMadeOne() {
        assertThat(Names.normalise(Normalizer.normalize("홍길동", Normalizer.Form.NFD))).contains("홍길동");
        assertThat(Names.normalise("  홍길동 ")).contains("홍길동");
        assertThat(Names.normalise("Mary   Ann O'Neil-Smith")).contains("Mary Ann O'Neil-Smith");
        assertThat(Names.normalise("남궁·민수")).contains("남궁·민수");
    }

    @Test
    void digitsSymbolsControlsAndOverlongNamesAreNotNames() {
        for (String bad : new String[] {null, "", "   ", "홍길동1", "<script>", "홍\u0000길동", "a".repeat(41), "홍길동\u202E"}) {
            assertThat(Names.normalise(bad)).as("%s", bad).isEmpty();
        }
        assertThat(Names.normalise("가".repeat(40))).isPresent();
    }
}
