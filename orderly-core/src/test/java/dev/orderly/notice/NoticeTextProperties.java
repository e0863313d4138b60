package dev.orderly.notice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The body every person receives holds the Korean text whole, then the English text whole on a
 * line of its own, whatever the texts; a text over the limit is never accepted (cases: NoticeTextTest).
 */
class NoticeTextProperties {

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.strings().withCharRange('가', '힣').withChars(" .,:0123456789abcXYZ\n").ofMinLength(1)
                .ofMaxLength(NoticeText.MAX_CHARACTERS).filter(s -> !s.isBlank());
    }

    @Property
    void theBodyIsTheKoreanTextThenTheEnglishOnItsOwnLine(@ForAll("texts") String korean, @ForAll("texts") String english) {
        String body = new NoticeText(korean, Optional.of(english)).body();

        assertThat(body).isEqualTo("[Orderly] " + korean.strip() + "\n" + english.strip());
        assertThat(new NoticeText(korean, Optional.empty()).body()).isEqualTo("[Orderly] " + korean.strip());
    }

    @Property
    void aTextOverTheLimitIsRefusedInEitherLanguage(@ForAll("texts") String fine, @ForAll("texts") String more) {
        String tooLong = (fine + "가".repeat(NoticeText.MAX_CHARACTERS)).substring(0, NoticeText.MAX_CHARACTERS) + more;

        assertThatThrownBy(() -> new NoticeText(tooLong, Optional.empty())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'ko'");
        assertThatThrownBy(() -> new NoticeText(fine, Optional.of(tooLong))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'en'");
    }
}
