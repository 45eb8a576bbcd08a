package io.waly.jdbc.sql;

import io.waly.command.Value;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * A small PostgreSQL lexer: enough to classify a statement without parsing it, split a multi-statement string,
 * and replace literals with placeholders so that statements differing only in their literals share one parse.
 * It knows comments ({@code --}, nested {@code /* *\/}), strings ({@code '…'} with {@code ''}, {@code E'…'} with
 * backslash escapes, {@code $tag$…$tag$}), quoted identifiers and {@code ?} placeholders. It never throws: on odd
 * input it returns what it saw, and callers treat anything unexpected as a write.
 */
public final class SqlLexer {

    public enum Type { WORD, QUOTED_IDENT, STRING, NUMBER, PARAM, SEMICOLON, OPEN_PAREN, CLOSE_PAREN, OTHER }

    /**
     * A token: its type, its span in the text, and for WORD the lower-cased word, for STRING the decoded value,
     * for NUMBER the text.
     */
    public record Token(Type type, int start, int end, String text) {
        public boolean is(String word) {
            return type == Type.WORD && text.equals(word);
        }
    }

    private SqlLexer() {}

    public static List<Token> tokenize(String sql) {
        List<Token> out = new ArrayList<>();
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == ' ' || (c >= '\t' && c <= '\r')) {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') i++;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int depth = 1;
                i += 2;
                while (i < n && depth > 0) {
                    if (sql.startsWith("/*", i)) {
                        depth++;
                        i += 2;
                    } else if (sql.startsWith("*/", i)) {
                        depth--;
                        i += 2;
                    } else {
                        i++;
                    }
                }
            } else if (c == '\'') {
                i = string(sql, i, i, false, out);
            } else if ((c == 'E' || c == 'e') && i + 1 < n && sql.charAt(i + 1) == '\'') {
                i = string(sql, i, i + 1, true, out);
            } else if (c == '"') {
                int start = i++;
                StringBuilder sb = new StringBuilder();
                while (i < n) {
                    char d = sql.charAt(i);
                    if (d == '"') {
                        if (i + 1 < n && sql.charAt(i + 1) == '"') {
                            sb.append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    sb.append(d);
                    i++;
                }
                out.add(new Token(Type.QUOTED_IDENT, start, i, sb.toString()));
            } else if (c == '$' && dollarTagEnd(sql, i) > 0) {
                int tagEnd = dollarTagEnd(sql, i);
                String tag = sql.substring(i, tagEnd);
                int close = sql.indexOf(tag, tagEnd);
                int end = close < 0 ? n : close + tag.length();
                out.add(new Token(Type.STRING, i, end, sql.substring(tagEnd, close < 0 ? n : close)));
                i = end;
            } else if (identStart(c)) {
                int start = i;
                while (i < n && (identPart(sql.charAt(i)) || sql.charAt(i) == '$')) i++;
                out.add(new Token(Type.WORD, start, i, downcase(sql.substring(start, i))));
            } else if (isDigit(c) || (c == '.' && i + 1 < n && isDigit(sql.charAt(i + 1)))) {
                int start = i;
                while (i < n && (isDigit(sql.charAt(i)) || sql.charAt(i) == '.' || sql.charAt(i) == '_')) i++;
                if (i < n && (sql.charAt(i) == 'e' || sql.charAt(i) == 'E')) {
                    int j = i + 1;
                    if (j < n && (sql.charAt(j) == '+' || sql.charAt(j) == '-')) j++;
                    if (j < n && isDigit(sql.charAt(j))) {
                        i = j;
                        while (i < n && isDigit(sql.charAt(i))) i++;
                    }
                }
                out.add(new Token(Type.NUMBER, start, i, sql.substring(start, i)));
            } else if (c == '?') {
                // '??' is pgjdbc's escape for the jsonb '?' operator, not a placeholder
                if (i + 1 < n && sql.charAt(i + 1) == '?') {
                    out.add(new Token(Type.OTHER, i, i + 2, "??"));
                    i += 2;
                } else {
                    out.add(new Token(Type.PARAM, i, i + 1, "?"));
                    i++;
                }
            } else if (c == ';') {
                out.add(new Token(Type.SEMICOLON, i, i + 1, ";"));
                i++;
            } else if (c == '(') {
                out.add(new Token(Type.OPEN_PAREN, i, i + 1, "("));
                i++;
            } else if (c == ')') {
                out.add(new Token(Type.CLOSE_PAREN, i, i + 1, ")"));
                i++;
            } else {
                out.add(new Token(Type.OTHER, i, i + 1, String.valueOf(c)));
                i++;
            }
        }
        return out;
    }

    private static int string(String sql, int start, int quote, boolean escapes, List<Token> out) {
        int n = sql.length();
        int i = quote + 1;
        StringBuilder sb = new StringBuilder();
        boolean exact = true;
        while (i < n) {
            char d = sql.charAt(i);
            if (escapes && d == '\\' && i + 1 < n) {
                i = escape(sql, i + 1, sb);
                if (i < 0) {
                    exact = false;
                    i = -i;
                }
                continue;
            }
            if (d == '\'') {
                if (i + 1 < n && sql.charAt(i + 1) == '\'') {
                    sb.append('\'');
                    i += 2;
                    continue;
                }
                i++;
                out.add(stringToken(sql, start, i, sb, exact));
                return i;
            }
            sb.append(d);
            i++;
        }
        out.add(stringToken(sql, start, n, sb, exact));
        return n;
    }

    /**
     * A string literal whose value the lexer could not decode exactly is passed on as an opaque token of its source
     * text: it is then never replaced by a placeholder, and PostgreSQL alone judges it.
     */
    private static Token stringToken(String sql, int start, int end, StringBuilder value, boolean exact) {
        return exact ? new Token(Type.STRING, start, end, value.toString()) : new Token(Type.OTHER, start, end, sql.substring(start, end));
    }

    /**
     * Decodes the escape after a backslash at {@code i - 1} of an {@code E'…'} string into {@code sb}, as PostgreSQL's
     * scanner does (documentation, 4.1.2.2). Returns the index after the escape, negated when the value cannot be known
     * here: an octal or hex escape beyond ASCII (a byte of the server's encoding, which the client does not know), a
     * NUL, or a Unicode escape that is no valid code point (PostgreSQL rejects those).
     */
    private static int escape(String sql, int i, StringBuilder sb) {
        char e = sql.charAt(i);
        switch (e) {
            case 'b' -> sb.append('\b');
            case 'f' -> sb.append('\f');
            case 'n' -> sb.append('\n');
            case 'r' -> sb.append('\r');
            case 't' -> sb.append('\t');
            case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                int end = digits(sql, i, 3, 8);
                int v = Integer.parseInt(sql, i, end, 8);
                return ascii(v, sb) ? end : -end;
            }
            case 'x' -> {
                int end = digits(sql, i + 1, 2, 16);
                if (end == i + 1) {   // "\x" without hex digits is an x
                    sb.append('x');
                    return i + 1;
                }
                int v = Integer.parseInt(sql, i + 1, end, 16);
                return ascii(v, sb) ? end : -end;
            }
            case 'u', 'U' -> {
                int len = e == 'u' ? 4 : 8;
                int end = digits(sql, i + 1, len, 16);
                if (end != i + 1 + len) return -end;   // PostgreSQL: invalid Unicode escape
                long cp = Long.parseLong(sql, i + 1, end, 16);
                if (cp >= Character.MIN_HIGH_SURROGATE && cp <= Character.MAX_HIGH_SURROGATE) {
                    // a surrogate pair is written as two escapes
                    int lowEnd = sql.startsWith("\\u", end) ? digits(sql, end + 2, 4, 16) : -1;
                    if (lowEnd != end + 6) return -end;
                    char low = (char) Integer.parseInt(sql, end + 2, lowEnd, 16);
                    if (!Character.isLowSurrogate(low)) return -lowEnd;
                    sb.append((char) cp).append(low);
                    return lowEnd;
                }
                if (cp == 0 || cp > Character.MAX_CODE_POINT || (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE)) return -end;
                sb.appendCodePoint((int) cp);
                return end;
            }
            default -> sb.append(e);   // any other character after a backslash stands for itself (\\, \', …)
        }
        return i + 1;
    }

    private static int digits(String sql, int from, int max, int radix) {
        int i = from;
        while (i < sql.length() && i - from < max && Character.digit(sql.charAt(i), radix) >= 0 && sql.charAt(i) < 128) i++;
        return i;
    }

    private static boolean ascii(int v, StringBuilder sb) {
        if (v == 0 || v > 0x7F) return false;
        sb.append((char) v);
        return true;
    }

    /** End of a {@code $tag$} opening at {@code i}, or -1 ({@code $1} is a positional parameter, not a tag). */
    private static int dollarTagEnd(String sql, int i) {
        int j = i + 1;
        int n = sql.length();
        if (j < n && isDigit(sql.charAt(j))) return -1;
        while (j < n && identPart(sql.charAt(j))) j++;
        return j < n && sql.charAt(j) == '$' ? j + 1 : -1;
    }

    // PostgreSQL's scanner (scan.l): an identifier or dollar tag starts with [A-Za-z\200-\377_], so every non-ASCII
    // character — both halves of a surrogate pair included — belongs to the word, never to a token of its own.
    private static boolean identStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
    }

    private static boolean identPart(char c) {
        return identStart(c) || isDigit(c);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** As PostgreSQL folds an unquoted identifier in a multibyte encoding: ASCII letters only. */
    private static String downcase(String word) {
        char[] cs = word.toCharArray();
        for (int k = 0; k < cs.length; k++) {
            if (cs[k] >= 'A' && cs[k] <= 'Z') cs[k] += 'a' - 'A';
        }
        return new String(cs);
    }

    /**
     * {@code sql} without its trailing semicolons when it is one statement followed by nothing but semicolons and
     * white space (as psql and script runners send it); null otherwise (no semicolon, several statements, or a comment
     * after one).
     */
    public static String beforeTrailingSemicolons(String sql) {
        List<Token> tokens = tokenize(sql);
        int last = tokens.size() - 1;
        while (last >= 0 && tokens.get(last).type == Type.SEMICOLON) last--;
        if (last < 0 || last == tokens.size() - 1 || statements(tokens).size() != 1) return null;
        int end = tokens.get(last).end;
        for (int i = end; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (c != ';' && c != ' ' && (c < '\t' || c > '\r')) return null;
        }
        return sql.substring(0, end);
    }

    /** Splits tokens into statements at top-level semicolons; empty statements are dropped. */
    public static List<List<Token>> statements(List<Token> tokens) {
        List<List<Token>> out = new ArrayList<>();
        List<Token> cur = new ArrayList<>();
        int depth = 0;
        boolean inBeginAtomic = false;
        for (Token t : tokens) {
            if (t.type == Type.OPEN_PAREN) depth++;
            if (t.type == Type.CLOSE_PAREN) depth = Math.max(0, depth - 1);
            if (t.type == Type.SEMICOLON && depth == 0 && !inBeginAtomic) {
                if (!cur.isEmpty()) out.add(cur);
                cur = new ArrayList<>();
                continue;
            }
            // CREATE FUNCTION … BEGIN ATOMIC … END holds semicolons of its own
            if (t.is("atomic") && !cur.isEmpty() && cur.get(cur.size() - 1).is("begin")) inBeginAtomic = true;
            if (inBeginAtomic && t.is("end")) inBeginAtomic = false;
            cur.add(t);
        }
        if (!cur.isEmpty()) out.add(cur);
        return out;
    }

    /**
     * A statement with its plain literals replaced by {@code ?}: the {@code shape} text, the values of the replaced
     * literals, and for every placeholder of the shape (in order) either the index of the application's own parameter
     * (positive, 1-based) or of a replaced literal (negative: -1 is the first literal).
     */
    public record Shape(String text, List<Value> literals, int[] placeholders) {}

    /** Replaces string and number literals (not typed ones like {@code DATE '…'}) with placeholders. */
    public static Shape shape(String sql, List<Token> tokens) {
        StringBuilder sb = new StringBuilder(sql.length());
        List<Value> literals = new ArrayList<>();
        List<Integer> placeholders = new ArrayList<>();
        int pos = 0;
        int ownParams = 0;
        Token prev = null;
        for (Token t : tokens) {
            boolean literal = (t.type == Type.STRING || t.type == Type.NUMBER) && !typedLiteralPrefix(prev)
                    && !(t.type == Type.STRING && sql.charAt(t.start) == '$');
            if (t.type == Type.PARAM) {
                placeholders.add(++ownParams);
            } else if (literal) {
                sb.append(sql, pos, t.start).append('?');
                pos = t.end;
                literals.add(t.type == Type.STRING ? Value.text(t.text) : number(t.text));
                placeholders.add(-literals.size());
            }
            prev = t;
        }
        sb.append(sql, pos, sql.length());
        int[] ph = placeholders.stream().mapToInt(Integer::intValue).toArray();
        return new Shape(sb.toString(), literals, ph);
    }

    private static boolean typedLiteralPrefix(Token prev) {
        if (prev == null || prev.type != Type.WORD) return false;
        return switch (prev.text) {
            case "date", "time", "timestamp", "timestamptz", "interval", "with", "zone", "b", "x", "u", "n", "json",
                 "jsonb", "uuid", "numeric", "decimal", "int", "integer", "bigint", "smallint", "real", "float",
                 "bytea", "inet", "cidr", "point", "money", "bit", "varbit", "text", "varchar", "char", "boolean",
                 "like", "ilike", "similar", "escape", "collate", "uescape" -> true;
            default -> false;
        };
    }

    static Value number(String text) {
        String t = text.replace("_", "");
        if (t.indexOf('.') < 0 && t.indexOf('e') < 0 && t.indexOf('E') < 0) {
            try {
                long v = Long.parseLong(t);
                return v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? Value.int4(v) : Value.int8(v);
            } catch (NumberFormatException e) {
                return Value.numeric(new BigDecimal(t));
            }
        }
        return Value.numeric(new BigDecimal(t));
    }
}
