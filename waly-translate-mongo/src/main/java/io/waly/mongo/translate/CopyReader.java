package io.waly.mongo.translate;

import io.waly.command.Command;
import io.waly.command.Value;
import io.waly.log.payload.Payloads;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bson.BsonDocument;

/**
 * COPY … FROM STDIN: the rows travel in the statement's {@code copyData}. Text format (tab-separated, {@code \N} for
 * NULL, backslash escapes) and CSV (comma, double quotes, unquoted empty for NULL, optional HEADER) with their default
 * delimiters; other options, COPY … WHERE and the binary format are untranslatable.
 */
final class CopyReader {
    private CopyReader() {}

    static List<MongoOp> translate(CommandTranslator tr, Command.Copy cp, Payloads.Statement st, Evaluator ev, long seq, long marker) {
        if (st.copyData() == null) throw new UntranslatableException("COPY without its data in the log");
        Command.CopyOptions o = cp.options();
        String unsupported = unsupported(o);
        if (unsupported != null) throw new UntranslatableException("COPY options " + unsupported + " are not supported");
        if (cp.where() != null) throw new UntranslatableException("COPY … WHERE is not supported");
        String format = o.format();
        String coll = Names.collection(cp.table());
        Catalog.Table t = tr.catalog().table(coll);
        List<String> cols = new ArrayList<>();
        if (cp.columns() == null || cp.columns().isEmpty()) {
            if (t == null) throw new UntranslatableException("COPY without a column list into " + coll + ", whose definition is not in the log");
            cols.addAll(t.columnNames());
        } else {
            cols.addAll(cp.columns());
        }
        String data = new String(st.copyData(), StandardCharsets.UTF_8);
        List<List<String>> rows = switch (format) {
            case "text" -> text(data);
            case "csv" -> csv(data);
            default -> throw new UntranslatableException("COPY format " + format + " is not supported");
        };
        if (o.header() && !rows.isEmpty()) rows.remove(0);
        List<BsonDocument> docs = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            if (row.size() != cols.size()) throw new UntranslatableException("COPY row " + (r + 1) + " has " + row.size() + " fields for " + cols.size() + " columns");
            Map<String, Value> m = new LinkedHashMap<>();
            if (t != null) {
                for (Catalog.Column c : t.columns()) {
                    if (!cols.contains(c.name())) m.put(c.name(), Types.coerce(ev.defaultValue(c), c.type(), ev.zone()));
                }
            }
            for (int k = 0; k < cols.size(); k++) {
                String s = row.get(k);
                ColumnType type = t == null ? null : t.type(cols.get(k));
                m.put(cols.get(k), s == null ? Value.NULL : Types.coerce(Value.text(s), type, ev.zone()));
            }
            Map<String, Value> ordered = new LinkedHashMap<>();
            if (t != null) for (Catalog.Column c : t.columns()) ordered.put(c.name(), m.get(c.name()));
            m.forEach(ordered::putIfAbsent);
            docs.add(tr.document(t, ordered, ev, seq, r, marker));
        }
        return List.of(new MongoOp.InsertDocs(coll, docs));
    }

    /** The options given besides format and header, which the readers here do not follow; null when there are none. */
    private static String unsupported(Command.CopyOptions o) {
        java.util.Map<String, Object> given = new LinkedHashMap<>();
        given.put("DELIMITER", o.delimiter());
        given.put("NULL", o.nullString());
        given.put("QUOTE", o.quote());
        given.put("ESCAPE", o.escape());
        given.put("ENCODING", o.encoding());
        given.put("FORCE_NOT_NULL", o.forceNotNull());
        given.put("FORCE_NULL", o.forceNull());
        given.values().removeIf(java.util.Objects::isNull);
        o.other().forEach((name, value) -> given.put(name.toUpperCase(Locale.ROOT), value));
        return given.isEmpty() ? null : given.toString();
    }

    static List<List<String>> text(String data) {
        List<List<String>> rows = new ArrayList<>();
        for (String line : data.split("\n", -1)) {
            if (line.endsWith("\r")) line = line.substring(0, line.length() - 1);
            if (line.isEmpty() || line.equals("\\.")) continue;
            List<String> fields = new ArrayList<>();
            for (String raw : line.split("\t", -1)) fields.add(raw.equals("\\N") ? null : unescape(raw));
            rows.add(fields);
        }
        return rows;
    }

    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                sb.append(c);
                continue;
            }
            char n = s.charAt(++i);
            switch (n) {
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'v' -> sb.append('\u000b');
                case 'x' -> {
                    int j = i + 1;
                    while (j < s.length() && j < i + 3 && Character.digit(s.charAt(j), 16) >= 0) j++;
                    sb.append((char) Integer.parseInt(s.substring(i + 1, j), 16));
                    i = j - 1;
                }
                default -> {
                    if (n >= '0' && n <= '7') {
                        int j = i;
                        while (j < s.length() && j < i + 3 && s.charAt(j) >= '0' && s.charAt(j) <= '7') j++;
                        sb.append((char) Integer.parseInt(s.substring(i, j), 8));
                        i = j - 1;
                    } else {
                        sb.append(n);
                    }
                }
            }
        }
        return sb.toString();
    }

    static List<List<String>> csv(String data) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false, wasQuoted = false, any = false;
        for (int i = 0; i < data.length(); i++) {
            char c = data.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < data.length() && data.charAt(i + 1) == '"') {
                        f.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    f.append(c);
                }
                continue;
            }
            if (c == '"') {
                quoted = wasQuoted = any = true;
            } else if (c == ',') {
                row.add(!wasQuoted && f.isEmpty() ? null : f.toString());
                f.setLength(0);
                wasQuoted = false;
                any = true;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < data.length() && data.charAt(i + 1) == '\n') i++;
                if (any || !f.isEmpty()) {
                    row.add(!wasQuoted && f.isEmpty() ? null : f.toString());
                    if (!(row.size() == 1 && "\\.".equals(row.get(0)))) rows.add(row);
                }
                row = new ArrayList<>();
                f.setLength(0);
                wasQuoted = any = false;
            } else {
                f.append(c);
                any = true;
            }
        }
        if (any || !f.isEmpty()) {
            row.add(!wasQuoted && f.isEmpty() ? null : f.toString());
            if (!(row.size() == 1 && "\\.".equals(row.get(0)))) rows.add(row);
        }
        return rows;
    }
}
