package io.waly.mongo.translate;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A column's SQL type reduced to what the translation needs: the canonical base type ({@code int4}, {@code numeric},
 * {@code timestamptz}, …), its modifiers (numeric precision and scale, character length, fractional-second
 * precision) and whether it is an array of that base. Unknown types keep their name and map to strings.
 */
public record ColumnType(String base, Integer precision, Integer scale, boolean array, String sql) {

    private static final Pattern MODS = Pattern.compile("^(.*?)\\s*\\(\\s*(\\d+)\\s*(?:,\\s*(-?\\d+)\\s*)?\\)(.*)$");

    public static ColumnType parse(String sqlType) {
        if (sqlType == null) return null;
        String t = sqlType.trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
        boolean array = false;
        if (t.endsWith("[]")) {
            array = true;
            t = t.replaceAll("(\\s*\\[\\s*\\d*\\s*\\])+$", "");
        } else if (t.endsWith(" array")) {
            array = true;
            t = t.substring(0, t.length() - " array".length());
        }
        if (t.startsWith("\"") && t.endsWith("\"")) t = t.substring(1, t.length() - 1);
        if (t.startsWith("pg_catalog.")) t = t.substring("pg_catalog.".length());
        Integer p = null, s = null;
        Matcher m = MODS.matcher(t);
        if (m.matches()) {
            p = Integer.valueOf(m.group(2));
            s = m.group(3) == null ? null : Integer.valueOf(m.group(3));
            t = (m.group(1) + m.group(4)).trim();
        }
        String base = switch (t) {
            case "smallint", "int2", "smallserial", "serial2" -> "int2";
            case "integer", "int", "int4", "serial", "serial4" -> "int4";
            case "bigint", "int8", "bigserial", "serial8" -> "int8";
            case "real", "float4" -> "float4";
            case "double precision", "float8" -> "float8";
            case "float" -> p != null && p <= 24 ? "float4" : "float8";
            case "numeric", "decimal" -> "numeric";
            case "text", "varchar", "character varying", "char varying", "name", "citext" -> "text";
            case "char", "character", "bpchar" -> "bpchar";
            case "boolean", "bool" -> "bool";
            case "date" -> "date";
            case "timestamp", "timestamp without time zone" -> "timestamp";
            case "timestamptz", "timestamp with time zone" -> "timestamptz";
            case "time", "time without time zone" -> "time";
            case "timetz", "time with time zone" -> "timetz";
            case "uuid" -> "uuid";
            case "bytea" -> "bytea";
            case "json" -> "json";
            case "jsonb" -> "jsonb";
            case "interval" -> "interval";
            default -> t;
        };
        if (base.equals("float4") || base.equals("float8")) p = null;
        if (base.equals("bpchar") && p == null) p = 1;
        return new ColumnType(base, p, s, array, sqlType);
    }

    /** The type of one element of an array type (or this type). */
    public ColumnType element() {
        return array ? new ColumnType(base, precision, scale, false, sql) : this;
    }

    public boolean isInteger() {
        return !array && (base.equals("int2") || base.equals("int4") || base.equals("int8"));
    }

    public boolean isNumeric() {
        return !array && base.equals("numeric");
    }

    public boolean isFloat() {
        return !array && (base.equals("float4") || base.equals("float8"));
    }

    public boolean isText() {
        return !array && (base.equals("text") || base.equals("bpchar"));
    }

    /** serial types draw their default from a sequence. */
    public boolean isSerial() {
        String s = sql.trim().toLowerCase(Locale.ROOT);
        return s.endsWith("serial") || s.matches("serial[248]");
    }

    @Override
    public String toString() {
        return sql;
    }
}
