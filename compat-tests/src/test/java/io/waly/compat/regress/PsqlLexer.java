package io.waly.compat.regress;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts a psql script into what psql would send and do, one item at a time, the way psql's own lexer
 * ({@code psqlscan.l}) does: a statement ends at a {@code ;} outside quotes, comments, parentheses and the
 * {@code BEGIN … END} of a SQL-standard function body; a backslash outside quotes starts a meta-command. Variables
 * ({@code :v}, {@code :'v'}, {@code :"v"}, {@code :{?v}}) are replaced while lexing, as psql does, only when the
 * caller passes variables (in an inactive {@code \if} branch it passes none). Lexing is incremental because
 * {@code \gset} and {@code \set} change the variables that the rest of the script is read with.
 */
final class PsqlLexer {

    sealed interface Item permits Sql, Meta {}

    /**
     * A statement, with its terminating semicolon as psql sends it, and the line it starts on; {@code compound} when
     * {@code \;} joined several statements into this one query.
     */
    record Sql(String text, int line, boolean compound) implements Item {}

    /** A meta-command: its name without the backslash ({@code gset}), its raw arguments, its line. */
    record Meta(String command, String rawArguments, int line) implements Item {}

    /** Meta-commands whose argument is the rest of the line, backslashes included. */
    private static final Set<String> WHOLE_LINE = Set.of("copy", "!", "sf", "sf+", "sv", "sv+", "ef", "ev", "w", "s", "h", "help");
    private static final Pattern DOLLAR_TAG = Pattern.compile("\\$([A-Za-z_\\x{80}-\\x{10FFFF}][A-Za-z0-9_\\x{80}-\\x{10FFFF}]*)?\\$");

    private final String src;
    private int pos;
    private final StringBuilder buffer = new StringBuilder();
    private int bufferLine;
    private int parenDepth;
    private int beginDepth;
    private int identifierCount;
    private final char[] leadingWords = new char[4];
    private boolean standardConformingStrings = true;
    private boolean compound;
    private int countedTo;
    private int countedLines = 1;

    PsqlLexer(String script) {
        this.src = script;
    }

    /** Follows the server's setting: with it off, a backslash escapes in ordinary string literals too. */
    void standardConformingStrings(boolean on) {
        standardConformingStrings = on;
    }

    /**
     * The next statement or meta-command, or null at the end. A statement left unterminated at the end of the
     * script is returned too: psql sends it.
     *
     * @param variables the value of a variable, or null when undefined; null itself to interpolate nothing
     */
    Item next(Function<String, String> variables) {
        while (pos < src.length()) {
            char ch = src.charAt(pos);
            if (buffer.length() == 0) {
                // psql drops whitespace and -- comments in front of a statement, not /* */ ones
                if (Character.isWhitespace(ch)) {
                    pos++;
                    continue;
                }
                if (src.startsWith("--", pos)) {
                    skipToEndOfLine();
                    continue;
                }
                bufferLine = lineAt(pos);
            }
            if (src.startsWith("--", pos)) {
                int end = endOfLine(pos);
                buffer.append(src, pos, end);
                pos = end;
            } else if (src.startsWith("/*", pos)) {
                blockComment();
            } else if (ch == '\'') {
                quoted('\'', !standardConformingStrings);
            } else if (ch == '"') {
                quoted('"', false);
            } else if (ch == '$') {
                dollar();
            } else if (ch == '(') {
                parenDepth++;
                buffer.append(ch);
                pos++;
            } else if (ch == ')') {
                parenDepth = Math.max(0, parenDepth - 1);
                buffer.append(ch);
                pos++;
            } else if (ch == ';') {
                buffer.append(ch);
                pos++;
                if (parenDepth == 0 && beginDepth == 0) return statement();
            } else if (ch == '\\') {
                if (src.startsWith("\\;", pos)) {   // a semicolon that does not end the statement
                    buffer.append(';');
                    compound = true;
                    pos += 2;
                } else if (src.startsWith("\\\\", pos)) {   // separates meta-commands on one line
                    pos += 2;
                } else {
                    return meta();
                }
            } else if (ch == ':') {
                variable(variables);
            } else if (isIdentifierStart(ch)) {
                word();
            } else {
                buffer.append(ch);
                pos++;
            }
        }
        if (!buffer.toString().isBlank()) return statement();
        buffer.setLength(0);
        return null;
    }

    private Sql statement() {
        boolean joined = compound;
        return new Sql(takeBuffer(), bufferLine, joined);
    }

    /** Whether the statement collected so far joins several with {@code \;}. */
    boolean bufferIsCompound() {
        return compound;
    }

    /** The statement collected so far (what {@code \g} sends), emptied. */
    String takeBuffer() {
        String text = buffer.toString();
        buffer.setLength(0);
        parenDepth = 0;
        beginDepth = 0;
        identifierCount = 0;
        compound = false;
        return text;
    }

    /**
     * The data of a {@code COPY … FROM stdin} just returned: the lines after the statement's line up to a line
     * {@code \.} (or the end), each ending in a newline.
     */
    String copyData() {
        skipToEndOfLine();
        if (pos < src.length()) pos++;
        StringBuilder data = new StringBuilder();
        while (pos < src.length()) {
            int end = endOfLine(pos);
            String line = src.substring(pos, end);
            pos = Math.min(src.length(), end + 1);
            if (line.equals("\\.") || line.equals("\\.\r")) break;
            data.append(line).append('\n');
        }
        return data.toString();
    }

    /** The line a statement or meta-command started on, for reports; counted forward, as offsets only grow. */
    private int lineAt(int offset) {
        for (; countedTo < offset; countedTo++) if (src.charAt(countedTo) == '\n') countedLines++;
        return countedLines;
    }

    /**
     * A meta-command's arguments as psql reads them: separated by whitespace; {@code '…'} with backslash escapes
     * and doubled quotes; {@code "…"} kept with its quotes; variables interpolated (when {@code variables} is not
     * null); adjacent pieces form one argument ({@code :dir '/data'} is two, {@code :dir'/data'} one).
     */
    static List<String> arguments(String raw, Function<String, String> variables) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = raw.length();
        while (true) {
            while (i < n && Character.isWhitespace(raw.charAt(i))) i++;
            if (i >= n) return out;
            StringBuilder arg = new StringBuilder();
            while (i < n && !Character.isWhitespace(raw.charAt(i))) {
                char ch = raw.charAt(i);
                if (ch == '\'') {
                    i++;
                    while (i < n) {
                        char c = raw.charAt(i);
                        if (c == '\'' && i + 1 < n && raw.charAt(i + 1) == '\'') {
                            arg.append('\'');
                            i += 2;
                        } else if (c == '\'') {
                            i++;
                            break;
                        } else if (c == '\\' && i + 1 < n) {
                            char e = raw.charAt(i + 1);
                            arg.append(switch (e) {
                                case 'n' -> '\n';
                                case 't' -> '\t';
                                case 'r' -> '\r';
                                case 'b' -> '\b';
                                case 'f' -> '\f';
                                default -> e;
                            });
                            i += 2;
                        } else {
                            arg.append(c);
                            i++;
                        }
                    }
                } else if (ch == '"') {
                    int end = raw.indexOf('"', i + 1);
                    end = end < 0 ? n : end + 1;
                    arg.append(raw, i, end);
                    i = end;
                } else if (ch == ':' && variables != null) {
                    Interpolation v = interpolate(raw, i, variables);
                    if (v == null) {
                        arg.append(ch);
                        i++;
                    } else {
                        // in arguments :'v' and :"v" give the value itself, quoted only for SQL text
                        arg.append(v.plainValue);
                        i = v.end;
                    }
                } else {
                    arg.append(ch);
                    i++;
                }
            }
            out.add(arg.toString());
        }
    }

    // ---- the lexer's pieces

    private Meta meta() {
        int line = lineAt(pos);
        int start = ++pos;
        while (pos < src.length() && !Character.isWhitespace(src.charAt(pos)) && src.charAt(pos) != '\\') pos++;
        String command = src.substring(start, pos);
        int argsStart = pos;
        if (WHOLE_LINE.contains(command)) {
            pos = endOfLine(pos);
        } else {
            // up to the end of the line or the next backslash outside quotes
            char quote = 0;
            while (pos < src.length()) {
                char c = src.charAt(pos);
                if (quote == 0 && (c == '\n' || c == '\\')) break;
                if (quote == '\'' && c == '\\') pos++;
                else if (quote == 0 && (c == '\'' || c == '"' || c == '`')) quote = c;
                else if (c == quote) quote = 0;
                pos++;
            }
            pos = Math.min(pos, src.length());
        }
        String arguments = src.substring(argsStart, pos);
        if (pos < src.length() && src.charAt(pos) == '\n') pos++;   // the line ends with its meta-command
        return new Meta(command, arguments, line);
    }

    private void blockComment() {
        int depth = 0;
        int i = pos;
        while (i < src.length()) {
            if (src.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (src.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) break;
            } else {
                i++;
            }
        }
        buffer.append(src, pos, i);
        pos = i;
    }

    /** A quoted literal or identifier; {@code backslashEscapes} for E'' strings (and '' without standard strings). */
    private void quoted(char quote, boolean backslashEscapes) {
        int i = pos + 1;
        while (i < src.length()) {
            char c = src.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < src.length() && src.charAt(i + 1) == quote) i += 2;   // doubled: part of the text
                else {
                    i++;
                    break;
                }
            } else {
                i++;
            }
        }
        i = Math.min(i, src.length());
        buffer.append(src, pos, i);
        pos = i;
    }

    private void dollar() {
        Matcher m = DOLLAR_TAG.matcher(src).region(pos, src.length());
        if (!m.lookingAt()) {   // $1, or a lone $
            buffer.append('$');
            pos++;
            return;
        }
        String tag = m.group();
        int end = src.indexOf(tag, m.end());
        end = end < 0 ? src.length() : end + tag.length();
        buffer.append(src, pos, end);
        pos = end;
    }

    /**
     * A word (keyword or identifier), and psql's heuristic for SQL-standard function bodies: in a statement that
     * starts CREATE [OR REPLACE] FUNCTION|PROCEDURE, BEGIN … END (and CASE … END inside it) hold their semicolons.
     */
    private void word() {
        int end = pos + 1;
        while (end < src.length() && isIdentifierPart(src.charAt(end))) end++;
        String word = src.substring(pos, end);
        if ((word.equals("E") || word.equals("e")) && end < src.length() && src.charAt(end) == '\'') {
            buffer.append(word);
            pos = end;
            quoted('\'', true);
            return;
        }
        buffer.append(word);
        pos = end;
        String lower = word.toLowerCase();
        if (identifierCount == 0) java.util.Arrays.fill(leadingWords, (char) 0);
        if (identifierCount < leadingWords.length
                && Set.of("create", "function", "procedure", "or", "replace").contains(lower)) {
            leadingWords[identifierCount] = lower.charAt(0);
        }
        identifierCount++;
        boolean routine = leadingWords[0] == 'c' && (leadingWords[1] == 'f' || leadingWords[1] == 'p'
                || (leadingWords[1] == 'o' && leadingWords[2] == 'r' && (leadingWords[3] == 'f' || leadingWords[3] == 'p')));
        if (routine && parenDepth == 0) {
            if (lower.equals("begin")) beginDepth++;
            else if (lower.equals("case") && beginDepth >= 1) beginDepth++;
            else if (lower.equals("end") && beginDepth > 0) beginDepth--;
        }
    }

    private void variable(Function<String, String> variables) {
        if (src.startsWith("::", pos)) {   // a cast, not a variable
            buffer.append("::");
            pos += 2;
            return;
        }
        Interpolation v = variables == null ? null : interpolate(src, pos, variables);
        if (v == null) {
            buffer.append(':');
            pos++;
        } else {
            buffer.append(v.sqlValue);
            pos = v.end;
        }
    }

    /** A variable reference at {@code at}, or null when there is none or it is undefined (psql then leaves the text). */
    private record Interpolation(String sqlValue, String plainValue, int end) {}

    private static Interpolation interpolate(String text, int at, Function<String, String> variables) {
        int i = at + 1;
        if (i >= text.length()) return null;
        char c = text.charAt(i);
        if (c == '\'' || c == '"') {
            int end = i + 1;
            while (end < text.length() && isVariableChar(text.charAt(end))) end++;
            if (end == i + 1 || end >= text.length() || text.charAt(end) != c) return null;
            String value = variables.apply(text.substring(i + 1, end));
            if (value == null) return null;
            return new Interpolation(c == '\'' ? literal(value) : identifier(value), value, end + 1);
        }
        if (c == '{' && text.startsWith("{?", i)) {
            int close = text.indexOf('}', i);
            if (close < 0) return null;
            String value = variables.apply(text.substring(i + 2, close)) != null ? "TRUE" : "FALSE";
            return new Interpolation(value, value, close + 1);
        }
        int end = i;
        while (end < text.length() && isVariableChar(text.charAt(end))) end++;
        if (end == i) return null;
        String value = variables.apply(text.substring(i, end));
        return value == null ? null : new Interpolation(value, value, end);
    }

    /** As libpq's PQescapeLiteral: doubled quotes, and E'' with doubled backslashes when there are any. */
    static String literal(String value) {
        String body = value.replace("'", "''");
        return value.contains("\\") ? " E'" + body.replace("\\", "\\\\") + "'" : "'" + body + "'";
    }

    static String identifier(String value) {
        return '"' + value.replace("\"", "\"\"") + '"';
    }

    private static boolean isVariableChar(char c) {
        return c == '_' || Character.isLetterOrDigit(c) || c >= 0x80;
    }

    private static boolean isIdentifierStart(char c) {
        return c == '_' || Character.isLetter(c) || c >= 0x80;
    }

    private static boolean isIdentifierPart(char c) {
        return isIdentifierStart(c) || Character.isDigit(c) || c == '$';
    }

    private void skipToEndOfLine() {
        pos = endOfLine(pos);
    }

    private int endOfLine(int from) {
        int nl = src.indexOf('\n', from);
        return nl < 0 ? src.length() : nl;
    }
}
