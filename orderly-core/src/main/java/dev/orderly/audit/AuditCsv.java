package dev.orderly.audit;

import java.util.List;

/**
 * Audit entries as CSV (RFC 4180: comma separated, CRLF line ends, a field with a comma, quote or
 * line break quoted, quotes doubled), one header row, then one row per entry. The hashes go with
 * every row, so an exported file can be checked against the chain later.
 *
 * <p>A spreadsheet runs a cell starting with {@code = + - @} (or a tab or carriage return) as a
 * formula, and the before and after states carry text staff typed (a pause message, a cohort
 * name): such a cell is written with a leading apostrophe, which spreadsheets show as text.
 */
public final class AuditCsv {

    public static final List<String> HEADER = List.of("sequence", "at", "actor", "role", "action", "target", "before", "after",
            "address", "previous_hash", "hash");

    private AuditCsv() {
    }

    public static String header() {
        return row(HEADER);
    }

    public static String row(AuditEntry e) {
        return row(List.of(Long.toString(e.sequence()), e.at().toString(), e.actor(), e.role(), e.action(), e.target(),
                nullAsEmpty(e.before()), nullAsEmpty(e.after()), e.address(), e.previousHash(), e.hash()));
    }

    private static String nullAsEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String row(List<String> cells) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(cell(cells.get(i)));
        }
        return sb.append("\r\n").toString();
    }

    /** One field, defused and quoted as needed. */
    static String cell(String value) {
        String v = value;
        if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
            return '"' + v.replace("\"", "\"\"") + '"';
        }
        return v;
    }
}
