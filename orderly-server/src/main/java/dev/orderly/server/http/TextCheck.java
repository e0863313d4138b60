package dev.orderly.server.http;

/**
 * What text a client may send. PostgreSQL refuses NUL in text (a 500 if it got that far), and no
 * name, phone, product or message needs a control character or half a surrogate pair.
 */
final class TextCheck {

    private TextCheck() {
    }

    /** Any C0 or C1 control character, DEL included: none belongs in a URL, even encoded. */
    static boolean hasControlCharacters(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (isControl(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a string from a JSON body is fit to keep: no control character but tab and line
     * breaks (an operator's message may span lines), no unpaired surrogate.
     */
    static boolean isCleanText(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isControl(c) && c != '\t' && c != '\n' && c != '\r') {
                return false;
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7F && c <= 0x9F);
    }
}
