package dev.orderly.server;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Looks for personal data in text, in every form people and programs write it: a resident number
 * with or without its dash (or a space), and its last seven digits alone; a mobile number with
 * dashes, dots, spaces or nothing, with or without +82, and its last eight digits alone; a
 * one-time code. A match must stand apart from other digits, so a long number that merely contains
 * the digits (a port, a temporary folder's name) is no match.
 */
public final class PersonalDataScan {

    private final List<Pattern> patterns = new ArrayList<>();
    private final List<String> names = new ArrayList<>();

    public PersonalDataScan residentNumber(String digits) {
        add("resident number", digits.substring(0, 6) + "[\\s-]?" + digits.substring(6));
        add("resident number (back part)", digits.substring(6));
        return this;
    }

    public PersonalDataScan phone(String digits) {
        String middle = digits.substring(3, digits.length() - 4);
        String last = digits.substring(digits.length() - 4);
        add("phone", "(?:\\+?82[\\s.-]?)?0?" + digits.substring(1, 3) + "[\\s.-]?" + middle + "[\\s.-]?" + last);
        add("phone (subscriber part)", middle + "[\\s.-]?" + last);
        return this;
    }

    public PersonalDataScan code(String code) {
        add("one-time code", code);
        return this;
    }

    private void add(String name, String regex) {
        patterns.add(Pattern.compile("(?<!\\d)" + regex + "(?!\\d)"));
        names.add(name);
    }

    /** Every finding in {@code text}, as "what: ...context...", or none. */
    public List<String> findIn(String where, String text) {
        List<String> found = new ArrayList<>();
        for (int i = 0; i < patterns.size(); i++) {
            var m = patterns.get(i).matcher(text);
            while (m.find()) {
                int from = Math.max(0, m.start() - 60);
                int to = Math.min(text.length(), m.end() + 60);
                found.add(names.get(i) + " in " + where + ": …" + text.substring(from, to).replace('\n', ' ') + "…");
            }
        }
        return found;
    }
}
