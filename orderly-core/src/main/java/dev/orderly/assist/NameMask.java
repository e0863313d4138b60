package dev.orderly.assist;

/**
 * A name fit to show to someone who is not its owner (an agent, a family member's page, a
 * message): first and last letters kept, the ones between hidden. 홍길동 becomes 홍*동.
 */
public final class NameMask {

    private NameMask() {
    }

    public static String of(String name) {
        int[] cps = name.strip().codePoints().toArray();
        if (cps.length <= 1) {
            return "*";
        }
        StringBuilder b = new StringBuilder().appendCodePoint(cps[0]);
        if (cps.length == 2) {
            return b.append('*').toString();
        }
        for (int i = 1; i < cps.length - 1; i++) {
            b.append(Character.isWhitespace(cps[i]) ? ' ' : '*');
        }
        return b.appendCodePoint(cps[cps.length - 1]).toString();
    }
}
