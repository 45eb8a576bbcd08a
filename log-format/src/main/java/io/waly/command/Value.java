package io.waly.command;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * A typed value: a bound parameter, a literal, or a cell of a row the database produced. Never rendered text:
 * {@code numeric} is exact, timestamps keep their microseconds and zone, {@code bytea} is bytes.
 *
 * <p>The Java type of {@link #value()} per kind: NULL → null; BOOL → Boolean; INT2/INT4/INT8 → Long;
 * FLOAT4/FLOAT8 → Double; NUMERIC → BigDecimal (or String "NaN"/"Infinity"); TEXT, JSON, INTERVAL, XML, OTHER →
 * String; BYTES → byte[]; DATE, TIME, TIMETZ, TIMESTAMP, TIMESTAMPTZ → String in ISO-8601 with microseconds
 * (TIMESTAMPTZ with its offset, or PostgreSQL's "infinity"/"-infinity"); UUID → String; ARRAY → List&lt;Value&gt;.
 * {@link #typeName()} carries the database type where it adds something (an array's element type, an OTHER's type,
 * a NULL's type, the zone a {@code java.sql.Timestamp} was bound in).
 */
public record Value(Kind kind, Object value, String typeName) {

    public enum Kind {
        NULL("null"), BOOL("bool"), INT2("int2"), INT4("int4"), INT8("int8"), FLOAT4("float4"), FLOAT8("float8"),
        NUMERIC("numeric"), TEXT("text"), BYTES("bytea"), DATE("date"), TIME("time"), TIMETZ("timetz"),
        TIMESTAMP("timestamp"), TIMESTAMPTZ("timestamptz"), UUID("uuid"), JSON("json"), INTERVAL("interval"),
        XML("xml"), ARRAY("array"), OTHER("other");

        public final String tag;

        Kind(String tag) {
            this.tag = tag;
        }

        private static final java.util.Map<String, Kind> BY_TAG = new java.util.HashMap<>();
        static {
            for (Kind k : values()) BY_TAG.put(k.tag, k);
        }

        /** The kind for a stored tag; an unknown tag (a newer writer) reads as OTHER. */
        public static Kind ofTag(String tag) {
            return BY_TAG.getOrDefault(tag, OTHER);
        }
    }

    public Value {
        Objects.requireNonNull(kind, "kind");
    }

    public static final Value NULL = new Value(Kind.NULL, null, null);

    public static Value nullOf(String typeName) {
        return new Value(Kind.NULL, null, typeName);
    }

    public static Value bool(boolean b) {
        return new Value(Kind.BOOL, b, null);
    }

    public static Value int8(long v) {
        return new Value(Kind.INT8, v, null);
    }

    public static Value int4(long v) {
        return new Value(Kind.INT4, v, null);
    }

    public static Value float8(double v) {
        return new Value(Kind.FLOAT8, v, null);
    }

    public static Value numeric(BigDecimal v) {
        return new Value(Kind.NUMERIC, v, null);
    }

    public static Value text(String s) {
        return new Value(Kind.TEXT, s, null);
    }

    public static Value bytes(byte[] b) {
        return new Value(Kind.BYTES, b, null);
    }

    public static Value of(Kind kind, Object v) {
        return new Value(kind, v, null);
    }

    public static Value array(List<Value> elements, String elementType) {
        return new Value(Kind.ARRAY, List.copyOf(elements), elementType);
    }

    public boolean isNull() {
        return kind == Kind.NULL;
    }

    @SuppressWarnings("unchecked")
    public List<Value> elements() {
        return (List<Value>) value;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Value v)) return false;
        if (kind != v.kind || !Objects.equals(typeName, v.typeName)) return false;
        if (value instanceof byte[] a && v.value instanceof byte[] b) return java.util.Arrays.equals(a, b);
        if (value instanceof BigDecimal a && v.value instanceof BigDecimal b) return a.compareTo(b) == 0 && a.scale() == b.scale();
        return Objects.equals(value, v.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, typeName, value instanceof byte[] a ? java.util.Arrays.hashCode(a) : value);
    }

    @Override
    public String toString() {
        if (value instanceof byte[] b) return kind.tag + ":\\x" + java.util.HexFormat.of().formatHex(b);
        return kind.tag + ":" + value + (typeName == null ? "" : "::" + typeName);
    }
}
