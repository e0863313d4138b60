package dev.orderly.problem;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ProblemTypeTest {

    @Test
    void eachTypeHasAUrlSafeSlugAnErrorStatusAndATitle() {
        for (ProblemType p : ProblemType.values()) {
            assertThat(p.slug()).as(p.name()).matches("[a-z]+(-[a-z0-9]+)*");
            // The slug is the constant's name, spelled for a URL: one name for one idea.
            assertThat(p.slug()).as(p.name()).isEqualTo(p.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            assertThat(p.status()).as(p.name()).isBetween(400, 599);
            assertThat(p.title()).as(p.name()).isNotBlank().doesNotEndWith(".");
        }
    }

    @Test
    void slugsAreUnique() {
        assertThat(Arrays.stream(ProblemType.values()).map(ProblemType::slug)).doesNotHaveDuplicates();
    }

    @Test
    void aTypeIsFoundAgainByItsSlugAndByItsDocumentsType() {
        for (ProblemType p : ProblemType.values()) {
            assertThat(ProblemType.ofSlug(p.slug())).contains(p);
            assertThat(ProblemType.ofType(p.type())).contains(p);
        }
        assertThat(ProblemType.DAY_FULL.type()).isEqualTo("/problems/day-full");
        assertThat(ProblemType.DAY_FULL.titleKey()).isEqualTo("problem.day-full.title");
        assertThat(ProblemType.DAY_FULL.textKey()).isEqualTo("problem.day-full");
    }

    @Test
    void unknownOrMissingTypesAreNone() {
        assertThat(ProblemType.ofSlug("no-such-problem")).isEmpty();
        assertThat(ProblemType.ofSlug(null)).isEmpty();
        assertThat(ProblemType.ofType("day-full")).isEmpty();
        assertThat(ProblemType.ofType("/problems/")).isEmpty();
        assertThat(ProblemType.ofType("https://example.org/problems/day-full")).isEmpty();
        assertThat(ProblemType.ofType(null)).isEmpty();
    }

    @Test
    void aPassThatNoLongerOpensTheStepIsRefusedLikeAnyOtherCredential() {
        assertThat(ProblemType.PASS_EXPIRED.status()).isEqualTo(403);
        assertThat(ProblemType.PASS_SPENT.status()).isEqualTo(403);
    }
}
