package io.waly.jdbc.policy;

import io.waly.command.Command;
import io.waly.command.Value;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The data of a {@code COPY … FROM STDIN} in text or CSV format with some of its fields replaced: the fields at the
 * given positions of every row are read as PostgreSQL reads them (text: backslash escapes, {@code \N} or the NULL
 * string; CSV: quotes, the escape character, the unquoted NULL string) and written back as their replacement makes
 * them (a NULL replacement as the NULL string); everything else (the header, the end marker {@code \.}, delimiters,
 * line ends) is kept byte for byte. A NULL stays NULL. Binary COPY is not read here: its caller refuses it.
 */
final class CopyFields {
    private CopyFields() {}

    /** {@code data} (UTF-8, pgjdbc's client encoding) with the fields at the positions of {@code replace} replaced. */
    static byte[] replace(byte[] data, Command.CopyOptions options, Map<Integer, UnaryOperator<Value>> replace) {
        boolean csv = "csv".equalsIgnoreCase(options.format());
        String in = new String(data, StandardCharsets.UTF_8);
        char delimiter = options.delimiter() != null && !options.delimiter().isEmpty() ? options.delimiter().charAt(0) : csv ? ',' : '\t';
        String nullString = options.nullString() != null ? options.nullString() : csv ? "" : "\\N";
        char quote = options.quote() != null && !options.quote().isEmpty() ? options.quote().charAt(0) : '"';
        char escape = options.escape() != null && !options.escape().isEmpty() ? options.escape().charAt(0) : quote;
        StringBuilder out = new StringBuilder(in.length() + 64);
        int at = 0;
        boolean header = options.header();
        while (at < in.length()) {
            int lineEnd = endOfMarker(in, at);
            if (lineEnd >= 0) {   // \. alone on its line: the data ends
                out.append(in, at, in.length());
                break;
            }
            int field = 0;
            boolean rowEnd = false;
            while (!rowEnd) {
                int start = at;
                boolean quoted = false;
                StringBuilder value = new StringBuilder();
                if (csv && at < in.length() && in.charAt(at) == quote) {
                    quoted = true;
                    at++;
                    while (at < in.length()) {
                        char ch = in.charAt(at);
                        if (ch == escape && at + 1 < in.length() && (in.charAt(at + 1) == quote || in.charAt(at + 1) == escape)
                                && (escape != quote || in.charAt(at + 1) == quote)) {
                            value.append(in.charAt(at + 1));
                            at += 2;
                        } else if (ch == quote) {
                            at++;
                            break;
                        } else {
                            value.append(ch);
                            at++;
                        }
                    }
                }
                while (at < in.length() && in.charAt(at) != delimiter && in.charAt(at) != '\n' && in.charAt(at) != '\r') {
                    char ch = in.charAt(at);
                    if (!csv && ch == '\\' && at + 1 < in.length()) {
                        at = unescape(in, at + 1, value);
                    } else {
                        value.append(ch);
                        at++;
                    }
                }
                String raw = in.substring(start, at);
                UnaryOperator<Value> by = header ? null : replace.get(field);
                if (by != null && !(!quoted && raw.equals(nullString))) {
                    Value replaced = by.apply(Value.text(value.toString()));
                    if (replaced.isNull()) out.append(nullString);
                    else out.append(csv ? quote + String.valueOf(replaced.value()) + quote : String.valueOf(replaced.value()));
                } else {
                    out.append(raw);
                }
                if (at >= in.length()) {
                    rowEnd = true;
                } else if (in.charAt(at) == delimiter) {
                    out.append(delimiter);
                    at++;
                    field++;
                } else {
                    int next = in.charAt(at) == '\r' && at + 1 < in.length() && in.charAt(at + 1) == '\n' ? at + 2 : at + 1;
                    out.append(in, at, next);
                    at = next;
                    rowEnd = true;
                }
            }
            header = false;
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The end of a line holding only the end marker {@code \.} starting at {@code at}; -1 when the line is data. */
    private static int endOfMarker(String in, int at) {
        if (!in.startsWith("\\.", at)) return -1;
        int end = at + 2;
        if (end == in.length() || in.charAt(end) == '\n' || in.charAt(end) == '\r') return end;
        return -1;
    }

    /** Reads the text format's escape after a backslash at {@code at - 1} into {@code value}; answers where it ends. */
    private static int unescape(String in, int at, StringBuilder value) {
        char c = in.charAt(at);
        switch (c) {
            case 'b' -> value.append('\b');
            case 'f' -> value.append('\f');
            case 'n' -> value.append('\n');
            case 'r' -> value.append('\r');
            case 't' -> value.append('\t');
            case 'v' -> value.append('\u000b');
            case 'x' -> {
                int end = at + 1;
                while (end < in.length() && end < at + 3 && Character.digit(in.charAt(end), 16) >= 0) end++;
                if (end == at + 1) {
                    value.append('x');
                    return at + 1;
                }
                value.append((char) Integer.parseInt(in.substring(at + 1, end), 16));
                return end;
            }
            default -> {
                if (c >= '0' && c <= '7') {
                    int end = at;
                    while (end < in.length() && end < at + 3 && in.charAt(end) >= '0' && in.charAt(end) <= '7') end++;
                    value.append((char) Integer.parseInt(in.substring(at, end), 8));
                    return end;
                }
                value.append(c);   // \\ and a backslash before any other character: the character itself
            }
        }
        return at + 1;
    }
}
