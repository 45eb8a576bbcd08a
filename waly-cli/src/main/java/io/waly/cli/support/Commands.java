package io.waly.cli.support;

import io.waly.command.Command;
import io.waly.command.Value;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** How {@code waly} shows the command model: which tables a command touches, its label, values, a JSON tree. */
public final class Commands {
    private Commands() {}

    /** The tables a command writes (qualified as logged), empty when it names none. */
    public static List<String> tables(Command c) {
        return c.writtenTables().stream().map(Command.Table::qualified).toList();
    }

    /** {@link Command#label()}. */
    public static String label(Command c) {
        return c.label();
    }

    /**
     * True when {@code table} (as the user typed it: "account" or "public.account") names one of {@code tables} (as
     * logged: the application's spelling, qualified or not). A bare name on either side matches any schema.
     */
    public static boolean matchesTable(List<String> tables, String table) {
        String want = unquote(table);
        for (String t : tables) {
            String have = unquote(t);
            if (have.equals(want)) return true;
            boolean wantBare = want.indexOf('.') < 0, haveBare = have.indexOf('.') < 0;
            if ((wantBare || haveBare) && bare(have).equals(bare(want))) return true;
        }
        return false;
    }

    private static String bare(String name) {
        return name.substring(name.lastIndexOf('.') + 1);
    }

    private static String unquote(String s) {
        return s.replace("\"", "").toLowerCase(Locale.ROOT);
    }

    /** A value as SQL people read it: NULL, 42, 10.25, 'text', '\x0a0b', ARRAY[…]. */
    public static String display(Value v) {
        if (v == null || v.isNull()) return "NULL";
        Object o = v.value();
        return switch (v.kind()) {
            case BOOL, INT2, INT4, INT8, FLOAT4, FLOAT8 -> String.valueOf(o);
            case NUMERIC -> o instanceof BigDecimal b ? b.toPlainString() : "'" + o + "'";
            case BYTES -> "'\\x" + HexFormat.of().formatHex((byte[]) o) + "'";
            case ARRAY -> {
                List<String> parts = new ArrayList<>();
                for (Value e : v.elements()) parts.add(display(e));
                yield "ARRAY[" + String.join(", ", parts) + "]";
            }
            default -> "'" + String.valueOf(o).replace("'", "''") + "'";
        };
    }

    /** A value for JSON/YAML: the natural JSON scalar, bytes as "\x…" hex, arrays as lists. */
    public static Object jsonValue(Value v) {
        if (v == null || v.isNull()) return null;
        Object o = v.value();
        return switch (v.kind()) {
            case BOOL, INT2, INT4, INT8, FLOAT4, FLOAT8, NUMERIC -> o;
            case BYTES -> "\\x" + HexFormat.of().formatHex((byte[]) o);
            case ARRAY -> {
                List<Object> l = new ArrayList<>();
                for (Value e : v.elements()) l.add(jsonValue(e));
                yield l;
            }
            default -> String.valueOf(o);
        };
    }

    /** A typed value for JSON/YAML: {@code {type: numeric, value: 10.25}}. */
    public static Map<String, Object> typedValue(Value v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", v.kind() == Value.Kind.NULL || v.typeName() == null ? v.kind().tag : v.kind().tag + "(" + v.typeName() + ")");
        m.put("value", jsonValue(v));
        return m;
    }

    /**
     * The command model as a JSON tree: every record becomes a map with its {@code type} first, then its components;
     * values become typed values. Generic over the model's records, so a field added to the model shows up here
     * without a change.
     */
    public static Object tree(Object o) {
        if (o == null) return null;
        if (o instanceof Value v) return typedValue(v);
        if (o instanceof Record r) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", r.getClass().getSimpleName());
            for (RecordComponent rc : r.getClass().getRecordComponents()) {
                try {
                    Object value = rc.getAccessor().invoke(r);
                    if (value == null) continue;
                    if (value instanceof List<?> l && l.isEmpty()) continue;
                    m.put(rc.getName(), tree(value));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
            return m;
        }
        if (o instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object x : l) out.add(tree(x));
            return out;
        }
        if (o instanceof byte[] b) return "\\x" + HexFormat.of().formatHex(b);
        return o;
    }

    /** SQL on one line (whitespace collapsed), shortened to {@code max} characters. */
    public static String oneLine(String sql, int max) {
        if (sql == null) return "";
        String s = sql.replaceAll("\\s+", " ").trim();
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
