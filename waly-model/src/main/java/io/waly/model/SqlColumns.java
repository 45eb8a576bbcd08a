package io.waly.model;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The columns a mapping's SQL expression reads, so that a misspelt column is refused when the model loads (the
 * expression itself is PostgreSQL's to run, and type-checked by the target before a replay writes anything). Not a
 * parser: a scan of the expression's words that skips string literals, function names (a word before {@code (}),
 * type names (after {@code ::} or {@code AS}) and SQL's keywords; every other word is a column, folded as PostgreSQL
 * folds identifiers (a double-quoted name keeps its case).
 */
final class SqlColumns {
    private SqlColumns() {}

    /** Words that are SQL, not columns, in the expressions a row mapping holds. */
    private static final Set<String> KEYWORDS = Set.of("and", "or", "not", "null", "true", "false", "is", "in", "between",
            "like", "ilike", "similar", "to", "case", "when", "then", "else", "end", "cast", "as", "distinct", "from",
            "array", "row", "interval", "date", "time", "timestamp", "with", "without", "zone", "at", "any", "all", "some",
            "collate", "escape", "unknown", "isnull", "notnull", "over", "filter", "within", "group", "order", "by", "asc",
            "desc", "nulls", "first", "last", "using", "leading", "trailing", "both", "for", "placing", "overlay",
            "position", "substring", "trim", "extract", "current_date", "current_time", "current_timestamp", "localtime",
            "localtimestamp", "default", "double", "precision", "varying", "character");

    /** The column names {@code sql} reads, in the order they first appear. */
    static Set<String> read(String sql) {
        Set<String> out = new LinkedHashSet<>();
        int n = sql.length();
        boolean typeNext = false;
        for (int i = 0; i < n; ) {
            char c = sql.charAt(i);
            if (c == '\'') {
                i = skipQuoted(sql, i, '\'');
                continue;
            }
            if (c == ':' && i + 1 < n && sql.charAt(i + 1) == ':') {
                typeNext = true;
                i += 2;
                continue;
            }
            if (c == '"' || Character.isLetter(c) || c == '_') {
                int start = i;
                String word;
                if (c == '"') {
                    i = skipQuoted(sql, i, '"');
                    word = sql.substring(start + 1, i - 1).replace("\"\"", "\"");
                } else {
                    while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_' || sql.charAt(i) == '$')) i++;
                    word = sql.substring(start, i).toLowerCase(Locale.ROOT);
                }
                int next = i;
                while (next < n && Character.isWhitespace(sql.charAt(next))) next++;
                boolean call = next < n && sql.charAt(next) == '(';
                boolean qualifier = next < n && sql.charAt(next) == '.';
                boolean isType = typeNext;
                typeNext = c != '"' && word.equals("as");
                if (isType || call || qualifier) continue;
                if (c != '"' && KEYWORDS.contains(word)) continue;
                out.add(word);
                continue;
            }
            if (Character.isDigit(c)) {
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '.')) i++;
                continue;
            }
            if (!Character.isWhitespace(c)) typeNext = false;
            i++;
        }
        return out;
    }

    private static int skipQuoted(String sql, int at, char quote) {
        int i = at + 1;
        while (i < sql.length()) {
            if (sql.charAt(i) == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) i += 2;
                else return i + 1;
            } else {
                i++;
            }
        }
        return i;
    }
}
