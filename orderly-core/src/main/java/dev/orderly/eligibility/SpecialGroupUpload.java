package dev.orderly.eligibility;

import dev.orderly.registry.Person;
import dev.orderly.registry.ResidentRegistry;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * An operator's special-group list, checked row by row and stored all or nothing.
 *
 * <p>The file is CSV (RFC 4180: comma-separated, fields optionally in double quotes), UTF-8, one
 * member a line: {@code resident_id,name,birth_date,group}. A first line naming those columns is a
 * header and skipped; blank lines are skipped. A row is accepted when it has the four fields, the
 * resident id is a registry id, the name and birth date (YYYY-MM-DD) are that resident's, the
 * group is 1-64 of a-z, 0-9 and '-', and the same resident and group did not appear on an earlier
 * line. One rejected row rejects the upload: nothing is stored, and the answer names every
 * rejected line with its reason.
 *
 * <p>Each row costs one registry lookup, so a list of 100,000 people takes seconds.
 */
public final class SpecialGroupUpload {

    /** The most rows one upload may hold. */
    public static final int MAX_ROWS = 200_000;

    private static final String HEADER = "resident_id,name,birth_date,group";

    /** Why line {@code line} (1-based, header included) was not accepted. */
    public record Rejection(int line, String reason) {
    }

    /** The answer to an upload. */
    public sealed interface Outcome {
        /** Every row accepted and stored; {@code groups} are the groups it named. */
        record Stored(int accepted, Set<String> groups) implements Outcome {
        }

        /** Some rows rejected: nothing stored. */
        record Refused(int accepted, int rejected, List<Rejection> rejections) implements Outcome {
        }
    }

    private final ResidentRegistry registry;
    private final SpecialGroupStore store;

    public SpecialGroupUpload(ResidentRegistry registry, SpecialGroupStore store) {
        this.registry = registry;
        this.store = store;
    }

    /**
     * Checks {@code csv} and stores its members when every row is good.
     *
     * @param replace when true, each group named in the file keeps only the members the file lists
     */
    public Outcome upload(String csv, boolean replace) {
        List<Rejection> rejections = new ArrayList<>();
        List<SpecialGroupStore.Member> members = new ArrayList<>();
        Map<SpecialGroupStore.Member, Integer> firstLine = new HashMap<>();
        String text = csv.startsWith("\uFEFF") ? csv.substring(1) : csv;
        String[] lines = text.split("\r\n|\n|\r", -1);
        int rows = 0;
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i];
            if (line.isBlank() || (i == 0 && line.strip().replace(" ", "").equalsIgnoreCase(HEADER))) {
                continue;
            }
            if (++rows > MAX_ROWS) {
                rejections.add(new Rejection(lineNo, "more than " + MAX_ROWS + " rows in one upload; split the file"));
                break;
            }
            Optional<String> reason = check(line, lineNo, members, firstLine);
            reason.ifPresent(r -> rejections.add(new Rejection(lineNo, r)));
        }
        if (rows == 0 && rejections.isEmpty()) {
            rejections.add(new Rejection(1, "the file holds no member rows; expected " + HEADER));
        }
        if (!rejections.isEmpty()) {
            return new Outcome.Refused(members.size(), rejections.size(), List.copyOf(rejections));
        }
        Set<String> groups = new TreeSet<>();
        members.forEach(m -> groups.add(m.group()));
        store.write(members, replace ? groups : Set.of());
        return new Outcome.Stored(members.size(), java.util.Collections.unmodifiableSet(groups));
    }

    private Optional<String> check(String line, int lineNo, List<SpecialGroupStore.Member> members,
                                   Map<SpecialGroupStore.Member, Integer> firstLine) {
        List<String> fields;
        try {
            fields = fields(line);
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
        if (fields.size() != 4) {
            return Optional.of("expected 4 fields (" + HEADER + "), found " + fields.size());
        }
        long id;
        try {
            id = Long.parseLong(fields.get(0).strip());
        } catch (NumberFormatException e) {
            return Optional.of("resident_id '" + fields.get(0) + "' is not a whole number");
        }
        String name = fields.get(1).strip();
        if (name.isEmpty() || name.length() > 40) {
            return Optional.of("name must be 1-40 characters");
        }
        LocalDate birth;
        try {
            birth = LocalDate.parse(fields.get(2).strip());
        } catch (DateTimeParseException e) {
            return Optional.of("birth_date '" + fields.get(2) + "' is not a date as YYYY-MM-DD");
        }
        String group = fields.get(3).strip();
        if (!Cohort.ID.matcher(group).matches()) {
            return Optional.of("group '" + group + "' must be 1-64 of a-z, 0-9 and '-'");
        }
        SpecialGroupStore.Member member = new SpecialGroupStore.Member(id, group);
        Integer earlier = firstLine.get(member);
        if (earlier != null) {
            return Optional.of("resident " + id + " is already listed for " + group + " on line " + earlier);
        }
        Optional<Person> person = registry.byId(id);
        if (person.isEmpty()) {
            return Optional.of("no resident with id " + id);
        }
        if (!person.get().name().equals(name)) {
            return Optional.of("resident " + id + " is not named '" + name + "' in the registry");
        }
        if (!person.get().birthDate().equals(birth)) {
            return Optional.of("resident " + id + " was not born on " + birth + " according to the registry");
        }
        firstLine.put(member, lineNo);
        members.add(member);
        return Optional.empty();
    }

    /** The fields of one CSV line; quotes may wrap a field and "" inside them is one quote. */
    static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.toString().isBlank() && !wasQuoted) {
                quoted = true;
                wasQuoted = true;
                field.setLength(0);
            } else if (c == ',') {
                out.add(field.toString());
                field.setLength(0);
                wasQuoted = false;
            } else if (wasQuoted && !Character.isWhitespace(c)) {
                throw new IllegalArgumentException("text after a closing quote at column " + (i + 1));
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("a quoted field is not closed");
        }
        out.add(field.toString());
        return out;
    }
}
