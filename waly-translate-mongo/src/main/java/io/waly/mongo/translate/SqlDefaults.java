package io.waly.mongo.translate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Column defaults read from the statement's SQL text. The command model carries them too, but the driver's parse
 * cache replaces literals by placeholders before parsing and only restores those that become expressions, so a
 * {@code DEFAULT 0} can arrive as {@code ?}. The SQL text is the ground truth (design.md): defaults are taken from it.
 */
final class SqlDefaults {
    private SqlDefaults() {}

    private static final Set<String> NOT_COLUMNS = Set.of("constraint", "primary", "unique", "check", "foreign", "exclude", "like");

    /** Column → default text, for the column definitions of a CREATE TABLE. */
    static Map<String, String> ofCreateTable(String sql) {
        Map<String, String> out = new HashMap<>();
        int open = sql.indexOf('(');
        if (open < 0) return out;
        int close = matching(sql, open);
        if (close < 0) return out;
        for (String element : splitTop(sql.substring(open + 1, close))) put(out, element.trim());
        return out;
    }

    /** Column → default text, for the ADD COLUMN actions of an ALTER TABLE. */
    static Map<String, String> ofAlterTable(String sql) {
        Map<String, String> out = new HashMap<>();
        for (String element : splitTop(sql)) {
            String e = element.trim();
            int add = indexOfWord(e, "add");
            if (add < 0) continue;
            String rest = e.substring(add + 3).trim();
            if (rest.toLowerCase(Locale.ROOT).startsWith("column")) rest = rest.substring(6).trim();
            if (rest.toLowerCase(Locale.ROOT).matches("(?s)if\\s+not\\s+exists\\s.*")) rest = rest.replaceFirst("(?is)^if\\s+not\\s+exists\\s+", "");
            put(out, rest);
        }
        return out;
    }

    private static void put(Map<String, String> out, String element) {
        if (element.isEmpty()) return;
        String name;
        if (element.startsWith("\"")) {
            int end = element.indexOf('"', 1);
            if (end < 0) return;
            name = element.substring(1, end);
        } else {
            name = element.split("\\s+", 2)[0];
            if (NOT_COLUMNS.contains(name.toLowerCase(Locale.ROOT))) return;
            name = name.toLowerCase(Locale.ROOT);
        }
        int d = indexOfWord(element, "default");
        if (d < 0) return;
        out.put(name, Evaluator.withoutConstraints(element.substring(d + "default".length()).trim()));
    }

    /** Index of a keyword outside quotes and parentheses, or -1. */
    private static int indexOfWord(String s, String word) {
        int depth = 0;
        boolean quoted = false, dquoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'' && !dquoted) quoted = !quoted;
            else if (c == '"' && !quoted) dquoted = !dquoted;
            else if (!quoted && !dquoted) {
                if (c == '(') depth++;
                else if (c == ')') depth--;
                else if (depth == 0 && s.regionMatches(true, i, word, 0, word.length())
                        && (i == 0 || !Character.isLetterOrDigit(s.charAt(i - 1)) && s.charAt(i - 1) != '_')
                        && (i + word.length() == s.length() || !Character.isLetterOrDigit(s.charAt(i + word.length())) && s.charAt(i + word.length()) != '_')) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static int matching(String s, int open) {
        int depth = 0;
        boolean quoted = false;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'') quoted = !quoted;
            else if (!quoted && c == '(') depth++;
            else if (!quoted && c == ')' && --depth == 0) return i;
        }
        return -1;
    }

    private static List<String> splitTop(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0, start = 0;
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'') quoted = !quoted;
            else if (!quoted && c == '(') depth++;
            else if (!quoted && c == ')') depth--;
            else if (!quoted && depth == 0 && c == ',') {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }
}
