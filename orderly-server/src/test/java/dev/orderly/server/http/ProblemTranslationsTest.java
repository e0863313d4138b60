package dev.orderly.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.problem.ProblemType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pages show a problem by its slug, from {@code i18n.js}: every type in the catalogue needs a
 * title and an explanation in Korean and in English, or a citizen reads the server's English on a
 * Korean page. And every problem the dictionary names is one the server can answer, or one the
 * pages make up themselves ({@link #PAGE_OWN}).
 */
class ProblemTranslationsTest {

    /** Problems the pages name without the server: a lost connection, an answer without a problem body, the demo pages. */
    static final Set<String> PAGE_OWN = Set.of("generic", "network", "unexpected", "server-error", "demo-off");

    private static final Pattern ENTRY = Pattern.compile("(?m)^ {6}'(problem\\.[^']+)':\\s*(.*)$");
    private static final Pattern HANGUL = Pattern.compile("[\\uAC00-\\uD7A3]");

    private static Map<String, String> ko;
    private static Map<String, String> en;

    @BeforeAll
    static void read() throws IOException {
        String js;
        try (InputStream in = ProblemTranslationsTest.class.getResourceAsStream("/web/assets/js/i18n.js")) {
            assertThat(in).as("i18n.js on the class path").isNotNull();
            js = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int koAt = js.indexOf("\n    ko: {");
        int enAt = js.indexOf("\n    en: {");
        assertThat(koAt).as("the Korean dictionary").isPositive();
        assertThat(enAt).as("the English dictionary, after the Korean one").isGreaterThan(koAt);
        ko = problemEntries(js.substring(koAt, enAt));
        en = problemEntries(js.substring(enAt));
    }

    /** {@code problem.*} key → the start of its value (the rest of its line). */
    private static Map<String, String> problemEntries(String dictionary) {
        Map<String, String> entries = new LinkedHashMap<>();
        Matcher m = ENTRY.matcher(dictionary);
        while (m.find()) {
            assertThat(entries.put(m.group(1), m.group(2).strip())).as("%s twice", m.group(1)).isNull();
        }
        return entries;
    }

    @Test
    void everyProblemInTheCatalogueHasATitleAndAnExplanationInKoreanAndEnglish() {
        Set<String> missing = new TreeSet<>();
        for (ProblemType p : ProblemType.values()) {
            for (String key : new String[] {p.titleKey(), p.textKey()}) {
                if (!ko.containsKey(key)) {
                    missing.add("ko " + key);
                }
                if (!en.containsKey(key)) {
                    missing.add("en " + key);
                }
            }
        }
        assertThat(missing).as("add them to i18n.js, in both languages").isEmpty();
    }

    @Test
    void theDictionaryNamesNoProblemTheServerDoesNotHave() {
        Set<String> slugs = Arrays.stream(ProblemType.values()).map(ProblemType::slug).collect(Collectors.toSet());
        assertThat(PAGE_OWN).as("the pages' own problems must not shadow the server's").doesNotContainAnyElementsOf(slugs);
        for (Map<String, String> dictionary : java.util.List.of(ko, en)) {
            Set<String> unknown = new TreeSet<>();
            for (String key : dictionary.keySet()) {
                String slug = key.substring("problem.".length()).replaceFirst("\\.title$", "");
                if (!slugs.contains(slug) && !PAGE_OWN.contains(slug)) {
                    unknown.add(key);
                }
            }
            assertThat(unknown).as("problems not in ProblemType (renamed or removed?)").isEmpty();
        }
    }

    @Test
    void koreanTextIsKoreanAndEnglishTextIsNot() {
        ko.forEach((key, value) -> {
            if (value.startsWith("'")) {
                assertThat(HANGUL.matcher(value).find()).as("Korean text of %s: %s", key, value).isTrue();
            }
        });
        en.forEach((key, value) -> assertThat(HANGUL.matcher(value).find()).as("English text of %s: %s", key, value).isFalse());
    }

    @Test
    void noTextIsEmpty() {
        ko.forEach((key, value) -> assertThat(value).as("ko " + key).doesNotStartWith("''").doesNotStartWith("\"\""));
        en.forEach((key, value) -> assertThat(value).as("en " + key).doesNotStartWith("''").doesNotStartWith("\"\""));
    }
}
