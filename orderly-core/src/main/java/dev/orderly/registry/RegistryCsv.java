package dev.orderly.registry;

import java.io.BufferedReader;
import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The registry's exchange format: what the import reads and the demo generator writes.
 *
 * <pre>
 * resident_number,name,birth_date,phone
 * 640505-1234567,홍길동,1964-05-05,010-1234-5678
 * </pre>
 *
 * <ul>
 *   <li>UTF-8 (a leading byte-order mark is ignored), one resident per line, {@code \n} or
 *       {@code \r\n}; blank lines are skipped.</li>
 *   <li>The first line is exactly the header above.</li>
 *   <li>Fields are separated by commas; a field may be wrapped in double quotes, with {@code ""}
 *       for a quote inside (RFC 4180). A field cannot span lines.</li>
 *   <li>{@code resident_number}: 13 digits, with or without the dash after the sixth; the first
 *       seven must make a real date of birth. {@code name}: 1-40 letters (any script), spaces and
 *       {@code . ' - ·}. {@code birth_date}: {@code YYYY-MM-DD}, the same date the resident number
 *       encodes. {@code phone}: a Korean mobile number, with or without dashes.</li>
 * </ul>
 *
 * <p>A problem names the line and the column, never the value: the report is shown and logged,
 * and the value may be a resident number.
 */
public final class RegistryCsv {

    /** The header line, exactly. */
    public static final String HEADER = "resident_number,name,birth_date,phone";
    /** Lines longer than this are refused without being parsed. */
    public static final int MAX_LINE_CHARS = 512;

    /** What is wrong with one line. */
    public record Problem(long line, String column, String message) {
        @Override
        public String toString() {
            return "line " + line + (column == null ? "" : ", " + column) + ": " + message;
        }
    }

    /** One line read. */
    public sealed interface Row {
        long line();
    }

    /** A line that makes a resident. */
    public record Valid(long line, ResidentRecord record) implements Row {
    }

    /** A line with one or more problems. */
    public record Invalid(long line, List<Problem> problems) implements Row {
    }

    private RegistryCsv() {
    }

    /**
     * Reads every line of {@code in} and hands each row to {@code out}, in order. A wrong header
     * is reported as an invalid line 1, and nothing more is read.
     */
    public static void read(BufferedReader in, Consumer<Row> out) throws IOException {
        readLines(in, out::accept, (line, text) -> out.accept(parse(line, text)));
    }

    /** A data line as read, not yet parsed. */
    @FunctionalInterface
    public interface LineConsumer {
        void accept(long line, String text);
    }

    /**
     * Like {@link #read}, but hands each data line over unparsed, for a reader that parses them
     * elsewhere ({@link #parse}), e.g. on several threads. A wrong header goes to {@code wrongHeader}.
     */
    public static void readLines(BufferedReader in, Consumer<Invalid> wrongHeader, LineConsumer out) throws IOException {
        String header = in.readLine();
        if (header != null && header.startsWith("\uFEFF")) {
            header = header.substring(1);
        }
        if (header == null || !header.strip().equals(HEADER)) {
            wrongHeader.accept(new Invalid(1, List.of(new Problem(1, null, "the first line must be exactly '" + HEADER + "'"))));
            return;
        }
        long line = 1;
        for (String text = in.readLine(); text != null; text = in.readLine()) {
            line++;
            if (text.isBlank()) {
                continue;
            }
            out.accept(line, text);
        }
    }

    /** One data line, parsed and checked. */
    public static Row parse(long line, String text) {
        if (text.length() > MAX_LINE_CHARS) {
            return new Invalid(line, List.of(new Problem(line, null, "longer than " + MAX_LINE_CHARS + " characters")));
        }
        List<String> fields = new ArrayList<>(4);
        String error = split(text, fields);
        if (error != null) {
            return new Invalid(line, List.of(new Problem(line, null, error)));
        }
        if (fields.size() != 4) {
            return new Invalid(line, List.of(new Problem(line, null, "has " + fields.size() + " fields; expected 4 (" + HEADER + ")")));
        }
        List<Problem> problems = new ArrayList<>();
        Optional<String> number = ResidentNumbers.normalise(fields.get(0));
        if (number.isEmpty()) {
            problems.add(new Problem(line, "resident_number", "not a resident registration number (YYMMDD-GNNNNNN with a real date)"));
        }
        Optional<String> name = Names.normalise(fields.get(1));
        if (name.isEmpty()) {
            problems.add(new Problem(line, "name", "must be 1-" + Names.MAX_LENGTH + " letters, spaces and . ' - ·"));
        }
        LocalDate birthDate = null;
        try {
            birthDate = LocalDate.parse(fields.get(2).strip());
        } catch (DateTimeParseException e) {
            problems.add(new Problem(line, "birth_date", "must be a date as YYYY-MM-DD"));
        }
        if (birthDate != null && number.isPresent() && !ResidentNumbers.birthDateOf(number.get()).orElseThrow().equals(birthDate)) {
            problems.add(new Problem(line, "birth_date", "is not the date of birth the resident number gives"));
        }
        Optional<String> phone = PhoneNumbers.normalise(fields.get(3));
        if (phone.isEmpty()) {
            problems.add(new Problem(line, "phone", "not a Korean mobile number (01X-XXXX-XXXX)"));
        }
        if (!problems.isEmpty()) {
            return new Invalid(line, List.copyOf(problems));
        }
        return new Valid(line, new ResidentRecord(number.get(), name.get(), birthDate, phone.get()));
    }

    /** {@code record} as one line of this format, without the line break. */
    public static String line(ResidentRecord record) {
        String name = record.name();
        if (name.indexOf(',') >= 0 || name.indexOf('"') >= 0) {
            name = '"' + name.replace("\"", "\"\"") + '"';
        }
        return ResidentNumbers.dashed(record.residentNumber()) + "," + name + "," + record.birthDate() + "," + dashedPhone(record.phone());
    }

    private static String dashedPhone(String digits) {
        int middle = digits.length() - 7;
        return digits.substring(0, 3) + "-" + digits.substring(3, 3 + middle) + "-" + digits.substring(3 + middle);
    }

    /** Splits {@code text} into {@code fields}; returns a problem, or null when the line is well-formed. */
    private static String split(String text, List<String> fields) {
        int i = 0;
        int n = text.length();
        while (true) {
            if (i < n && text.charAt(i) == '"') {
                StringBuilder field = new StringBuilder();
                i++;
                while (true) {
                    if (i >= n) {
                        return "a quoted field is not closed (fields cannot span lines)";
                    }
                    char c = text.charAt(i++);
                    if (c == '"') {
                        if (i < n && text.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        field.append(c);
                    }
                }
                fields.add(field.toString());
                if (i < n && text.charAt(i) != ',') {
                    return "text after a closing quote";
                }
            } else {
                int comma = text.indexOf(',', i);
                String field = comma < 0 ? text.substring(i) : text.substring(i, comma);
                if (field.indexOf('"') >= 0) {
                    return "a quote inside an unquoted field";
                }
                fields.add(field);
                i = comma < 0 ? n : comma;
            }
            if (i >= n) {
                return null;
            }
            i++; // the comma
            if (i == n) {
                fields.add("");
                return null;
            }
        }
    }
}
