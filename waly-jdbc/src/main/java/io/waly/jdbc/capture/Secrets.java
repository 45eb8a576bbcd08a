package io.waly.jdbc.capture;

import java.util.regex.Pattern;

/**
 * Keeps secrets out of the log (design.md, invariant 6). Connection properties never reach it; SQL text can carry
 * secrets of its own — {@code CREATE ROLE … PASSWORD '…'}, {@code USER MAPPING … OPTIONS (password '…')},
 * {@code dblink_connect('… password=…')} — and those values are replaced by {@link #MASK} before the statement is
 * logged. The database still receives the statement as the application wrote it; a replay sets the masked value,
 * which an operator then changes (documented in waly-jdbc/README.md).
 */
public final class Secrets {
    private Secrets() {}

    public static final String MASK = "********";

    private static final Pattern PASSWORD_LITERAL = Pattern.compile("(?i)(\\bpassword\\s+)(E?'(?:[^']|'')*')");
    private static final Pattern PASSWORD_IN_STRING = Pattern.compile("(?i)(\\bpassword\\s*=\\s*)([^\\s'\"]+)");

    /** The statement as it may be logged. Cheap for the common case: one case-insensitive scan for "password". */
    public static String redact(String sql) {
        if (!containsPassword(sql)) return sql;
        String out = PASSWORD_LITERAL.matcher(sql).replaceAll("$1'" + MASK + "'");
        return PASSWORD_IN_STRING.matcher(out).replaceAll("$1" + MASK);
    }

    private static boolean containsPassword(String sql) {
        int n = sql.length() - 7;
        for (int i = 0; i < n; i++) {
            char c = sql.charAt(i);
            if ((c == 'p' || c == 'P') && sql.regionMatches(true, i, "password", 0, 8)) return true;
        }
        return false;
    }
}
