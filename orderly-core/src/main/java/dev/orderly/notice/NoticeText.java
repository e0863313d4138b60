package dev.orderly.notice;

import java.util.Optional;

/**
 * An operator's message to many people, in Korean and optionally in English, and the one SMS
 * body made of it. Every resident in Korea reads Korean and the gateway sends one text per
 * person, so the Korean text always goes; an English text, when given, follows it on its own
 * line in the same message (as the booking confirmations carry both languages).
 */
public record NoticeText(String korean, Optional<String> english) {

    /** Most characters of each language's text (a long SMS, LMS, holds about a thousand bytes of Korean). */
    public static final int MAX_CHARACTERS = 300;

    /** What every body starts with, as the booking confirmations do: the sender is named in the text. */
    static final String PREFIX = "[Orderly] ";

    public NoticeText {
        check("ko", korean);
        english.ifPresent(e -> check("en", e));
    }

    private static void check(String language, String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the '" + language + "' text must not be empty");
        }
        int characters = text.codePointCount(0, text.length());
        if (characters > MAX_CHARACTERS) {
            throw new IllegalArgumentException("the '" + language + "' text has " + characters + " characters; at most "
                    + MAX_CHARACTERS + " are sent");
        }
    }

    /** The text as every person receives it: the Korean text, then the English one on a line of its own. */
    public String body() {
        return PREFIX + korean.strip() + english.map(e -> "\n" + e.strip()).orElse("");
    }
}
