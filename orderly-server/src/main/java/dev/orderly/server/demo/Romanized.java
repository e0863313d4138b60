package dev.orderly.server.demo;

import java.util.Locale;

/**
 * Korean place and clinic names in Latin letters, after the Revised Romanization of Korean: each
 * syllable by its letters, a final consonant carried over to a following vowel ("강원" Gangwon,
 * "목요" Mogyo). The sound changes the official spelling also follows ("종로" is Jongno, not
 * Jongro) are left out: the demo's names need to be readable, not official.
 */
final class Romanized {

    private static final String[] INITIAL = {"g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch",
        "k", "t", "p", "h"};
    private static final String[] MEDIAL = {"a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u",
        "wo", "we", "wi", "yu", "eu", "ui", "i"};
    /** A final consonant before another consonant or at the end of a word. */
    private static final String[] FINAL = {"", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m",
        "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"};
    /** A final consonant carried over to a following vowel: it sounds as an initial. */
    private static final String[] CARRIED = {"", "g", "kk", "ks", "n", "nj", "nh", "d", "r", "lg", "lm", "lb", "ls", "lt", "lp",
        "lh", "m", "b", "bs", "s", "ss", "ng", "j", "ch", "k", "t", "p", "h"};

    private Romanized() {
    }

    /** {@code korean} in Latin letters, the first letter of each word capitalized; other characters as they are. */
    static String of(String korean) {
        StringBuilder out = new StringBuilder();
        boolean wordStart = true;
        for (int i = 0; i < korean.length(); i++) {
            char c = korean.charAt(i);
            if (!isSyllable(c)) {
                out.append(c);
                wordStart = c == ' ';
                continue;
            }
            int code = c - 0xAC00;
            int fin = code % 28;
            boolean vowelNext = i + 1 < korean.length() && isSyllable(korean.charAt(i + 1))
                    && (korean.charAt(i + 1) - 0xAC00) / 588 == 11;
            String syllable = INITIAL[code / 588] + MEDIAL[code % 588 / 28] + (vowelNext ? CARRIED[fin] : FINAL[fin]);
            out.append(wordStart ? syllable.substring(0, 1).toUpperCase(Locale.ROOT) + syllable.substring(1) : syllable);
            wordStart = false;
        }
        return out.toString();
    }

    /** A district (시·군·구) as English writes it: "강남구" → "Gangnam-gu", "수원시" → "Suwon-si". */
    static String district(String korean) {
        for (String[] suffix : new String[][] {{"구", "-gu"}, {"시", "-si"}, {"군", "-gun"}}) {
            if (korean.length() > 1 && korean.endsWith(suffix[0])) {
                return of(korean.substring(0, korean.length() - 1)) + suffix[1];
            }
        }
        return of(korean);
    }

    private static boolean isSyllable(char c) {
        return c >= 0xAC00 && c <= 0xD7A3;
    }
}
