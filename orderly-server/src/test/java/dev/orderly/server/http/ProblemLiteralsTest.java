package dev.orderly.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.problem.ProblemType;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Problem types are named in one place, {@link ProblemType}: no main code of the server, the core
 * or the surge tool spells a problem's type or slug as a string of its own (a route building
 * {@code "/problems/..."} by hand, the surge tool comparing {@code "day-full".equals(...)}). Such
 * a string escapes the catalogue's one status and the pages' translations.
 */
class ProblemLiteralsTest {

    /** The modules whose main code is checked, from this module's folder (where Maven runs its tests). */
    private static final List<Path> SOURCES = List.of(Path.of("src/main/java"), Path.of("../orderly-core/src/main/java"),
            Path.of("../orderly-surge/src/main/java"));
    private static final Path CATALOGUE = Path.of("dev/orderly/problem/ProblemType.java");

    @Test
    void noMainCodeSpellsAProblemTypeOrSlugOutsideTheCatalogue() throws IOException {
        Set<String> slugs = Arrays.stream(ProblemType.values()).map(ProblemType::slug).collect(Collectors.toSet());
        List<String> found = new ArrayList<>();
        int files = 0;
        for (Path root : SOURCES) {
            assertThat(root).as("sources at %s", root.toAbsolutePath()).isDirectory();
            List<Path> javaFiles;
            try (Stream<Path> walk = Files.walk(root)) {
                javaFiles = walk.filter(p -> p.toString().endsWith(".java")).filter(p -> !root.relativize(p).equals(CATALOGUE)).toList();
            }
            for (Path file : javaFiles) {
                files++;
                for (Literal s : stringLiterals(Files.readString(file, StandardCharsets.UTF_8))) {
                    if (s.text().contains(ProblemType.TYPE_PREFIX) || slugs.contains(s.text())) {
                        found.add(file + ":" + s.line() + " \"" + s.text() + "\"");
                    }
                }
            }
        }
        assertThat(files).as("Java files checked").isGreaterThan(100);
        assertThat(found).as("use ProblemType (Reply.problem(ProblemType.X, detail), ProblemType.ofType(...))").isEmpty();
    }

    @Test
    void aProblemReplyCanOnlyBeMadeFromTheCatalogue() {
        for (Method m : Reply.class.getDeclaredMethods()) {
            if (m.getName().equals("problem") && Modifier.isStatic(m.getModifiers())) {
                assertThat(m.getParameterTypes()[0]).as(m.toString()).isEqualTo(ProblemType.class);
                assertThat(m.getParameterTypes()).as(m.toString()).doesNotContain(int.class);
            }
        }
        Reply r = Reply.problem(ProblemType.DAY_FULL, "the day is full");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.problem()).isTrue();
        assertThat(r.body().toString()).isEqualTo(
                "{\"type\":\"/problems/day-full\",\"title\":\"Day full\",\"status\":409,\"detail\":\"the day is full\"}");
    }

    @Test
    void theScannerFindsLiteralsButNotCommentsOrCharacters() {
        String code = """
                // "/problems/in-a-comment"
                /* "day-full" */
                class X { String a = "day-full"; char q = '"'; String b = "a \\" quote"; String c = \"""
                    in a block /problems/x
                    \"""; }
                """;
        assertThat(stringLiterals(code)).extracting(Literal::text)
                .containsExactly("day-full", "a \\\" quote", "\n    in a block /problems/x\n    ");
        assertThat(stringLiterals(code).getFirst().line()).isEqualTo(3);
    }

    record Literal(String text, int line) {
    }

    /** The string literals (text blocks too) of Java source, as written, skipping comments and char literals. */
    static List<Literal> stringLiterals(String src) {
        List<Literal> out = new ArrayList<>();
        int line = 1;
        int i = 0;
        while (i < src.length()) {
            char c = src.charAt(i);
            if (c == '\n') {
                line++;
                i++;
            } else if (src.startsWith("//", i)) {
                i = src.indexOf('\n', i) < 0 ? src.length() : src.indexOf('\n', i);
            } else if (src.startsWith("/*", i)) {
                int end = src.indexOf("*/", i + 2);
                end = end < 0 ? src.length() : end + 2;
                line += count(src, i, end);
                i = end;
            } else if (src.startsWith("\"\"\"", i)) {
                int end = src.indexOf("\"\"\"", i + 3);
                end = end < 0 ? src.length() : end;
                out.add(new Literal(src.substring(i + 3, end), line));
                line += count(src, i, end);
                i = Math.min(src.length(), end + 3);
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < src.length() && src.charAt(j) != c && src.charAt(j) != '\n') {
                    j += src.charAt(j) == '\\' ? 2 : 1;
                }
                if (c == '"') {
                    out.add(new Literal(src.substring(i + 1, Math.min(j, src.length())), line));
                }
                i = j + 1;
            } else {
                i++;
            }
        }
        return out;
    }

    private static int count(String s, int from, int to) {
        int n = 0;
        for (int k = from; k < to; k++) {
            if (s.charAt(k) == '\n') {
                n++;
            }
        }
        return n;
    }
}
