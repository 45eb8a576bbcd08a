package io.waly.mongo.translate;

import io.waly.command.Value;
import io.waly.command.Value.Kind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonBinarySubType;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.UuidRepresentation;
import org.bson.types.Decimal128;

/**
 * The type mapping (README, "Types"), in two steps: {@link #coerce} turns any value into the canonical value of a
 * column's type the way PostgreSQL's assignment casts do (text input parsed, numeric rounded to the column's scale,
 * char(n) padded, timestamps to the column's precision, a timestamp without zone read in the session's TimeZone);
 * {@link #toBson} writes a canonical value as BSON. {@link #fromBson} reads a document's field back as a value for the
 * evaluator.
 *
 * <p>Canonical values: integers Long, numeric BigDecimal, floats Double (float4 rounded to float), text String,
 * date "yyyy-MM-dd", timestamp "yyyy-MM-ddTHH:mm:ss.SSSSSS", timestamptz the same in UTC with "Z", uuid lower-case
 * String, bytea byte[], json String, arrays List of canonical elements; "infinity"/"-infinity" kept as such.
 */
public final class Types {
    private Types() {}

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS");
    private static final Pattern TS = Pattern.compile(
            "^(\\d{4,})-(\\d{1,2})-(\\d{1,2})(?:[ T](\\d{1,2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?)?\\s*"
                    + "(Z|z|UTC|[+-]\\d{1,2}(?::?\\d{2})?(?::?\\d{2})?)?$");

    // ---------------------------------------------------------------- coerce

    /** The value as the column of type {@code t} stores it; {@code t == null} (unknown column) keeps the value. */
    public static Value coerce(Value v, ColumnType t, ZoneId zone) {
        if (v == null || v.isNull() || t == null) return v == null ? Value.NULL : v;
        if (t.array()) return coerceArray(v, t, zone);
        Object o = v.value();
        switch (t.base()) {
            case "int2", "int4", "int8" -> {
                long l = toLong(v);
                long min = t.base().equals("int2") ? Short.MIN_VALUE : t.base().equals("int4") ? Integer.MIN_VALUE : Long.MIN_VALUE;
                long max = t.base().equals("int2") ? Short.MAX_VALUE : t.base().equals("int4") ? Integer.MAX_VALUE : Long.MAX_VALUE;
                if (l < min || l > max) throw new UntranslatableException(l + " is out of range for " + t);
                return new Value(t.base().equals("int8") ? Kind.INT8 : t.base().equals("int4") ? Kind.INT4 : Kind.INT2, l, null);
            }
            case "numeric" -> {
                if (o instanceof String s && isSpecialNumeric(s)) return new Value(Kind.NUMERIC, s.trim(), null);
                BigDecimal d = toBigDecimal(v);
                if (d.scale() < 0) d = d.setScale(0);   // PostgreSQL's numeric has no negative display scale
                if (t.precision() != null) {
                    int scale = t.scale() == null ? 0 : t.scale();
                    d = d.setScale(scale, RoundingMode.HALF_UP);
                    if (d.precision() - d.scale() > t.precision() - scale && d.signum() != 0) {
                        throw new UntranslatableException(d + " overflows " + t);
                    }
                }
                return Value.numeric(d);
            }
            case "float4" -> {
                return new Value(Kind.FLOAT4, (double) (float) toDouble(v), null);
            }
            case "float8" -> {
                return new Value(Kind.FLOAT8, toDouble(v), null);
            }
            case "text" -> {
                String s = text(v);
                if (t.precision() != null && s.codePointCount(0, s.length()) > t.precision()) {
                    s = s.substring(0, s.offsetByCodePoints(0, t.precision()));   // varchar(n) cast: PostgreSQL truncates only explicit casts
                }
                return Value.text(s);
            }
            case "bpchar" -> {
                String s = text(v);
                int n = t.precision();
                int len = s.codePointCount(0, s.length());
                if (len > n) s = s.substring(0, s.offsetByCodePoints(0, n));
                else if (len < n) s = s + " ".repeat(n - len);
                return Value.text(s);
            }
            case "bool" -> {
                return Value.bool(toBool(v));
            }
            case "date" -> {
                return new Value(Kind.DATE, date(v, zone), null);
            }
            case "timestamp" -> {
                return new Value(Kind.TIMESTAMP, timestamp(v, zone, t.precision()), null);
            }
            case "timestamptz" -> {
                return new Value(Kind.TIMESTAMPTZ, timestamptz(v, zone, t.precision()), null);
            }
            case "uuid" -> {
                return new Value(Kind.UUID, uuid(text(v)).toString(), null);
            }
            case "bytea" -> {
                if (o instanceof byte[] b) return Value.bytes(b);
                String s = text(v);
                if (s.startsWith("\\x")) return Value.bytes(HexFormat.of().parseHex(s.substring(2)));
                return Value.bytes(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            case "json", "jsonb" -> {
                return new Value(Kind.JSON, text(v), null);
            }
            default -> {
                return new Value(v.kind() == Kind.TEXT ? Kind.OTHER : v.kind(), o instanceof String ? o : text(v), t.base());
            }
        }
    }

    private static Value coerceArray(Value v, ColumnType t, ZoneId zone) {
        List<Value> elements;
        if (v.kind() == Kind.ARRAY) elements = v.elements();
        else if (v.value() instanceof String s) elements = parseArrayLiteral(s);
        else throw new UntranslatableException(v + " is not an array for " + t);
        List<Value> out = new ArrayList<>();
        for (Value e : elements) out.add(coerce(e, t.element(), zone));
        return Value.array(out, t.base());
    }

    /** A one-dimensional PostgreSQL array literal: {1,2,NULL}, {"a b","c"}. */
    static List<Value> parseArrayLiteral(String s) {
        String t = s.trim();
        if (!t.startsWith("{") || !t.endsWith("}")) throw new UntranslatableException("not an array literal: " + s);
        List<Value> out = new ArrayList<>();
        String body = t.substring(1, t.length() - 1);
        if (body.isBlank()) return out;
        int i = 0;
        while (i <= body.length()) {
            StringBuilder sb = new StringBuilder();
            boolean quoted = false;
            while (i < body.length() && Character.isWhitespace(body.charAt(i))) i++;
            if (i < body.length() && body.charAt(i) == '{') throw new UntranslatableException("multi-dimensional array literal: " + s);
            if (i < body.length() && body.charAt(i) == '"') {
                quoted = true;
                i++;
                while (i < body.length() && body.charAt(i) != '"') {
                    if (body.charAt(i) == '\\' && i + 1 < body.length()) i++;
                    sb.append(body.charAt(i++));
                }
                i++;
                while (i < body.length() && body.charAt(i) != ',') i++;
            } else {
                while (i < body.length() && body.charAt(i) != ',') sb.append(body.charAt(i++));
            }
            String e = quoted ? sb.toString() : sb.toString().trim();
            out.add(!quoted && e.equalsIgnoreCase("NULL") ? Value.NULL : Value.text(e));
            i++;
        }
        return out;
    }

    static boolean isSpecialNumeric(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        return t.equals("nan") || t.equals("infinity") || t.equals("-infinity") || t.equals("+infinity");
    }

    public static long toLong(Value v) {
        Object o = v.value();
        if (o instanceof Long l) return l;
        if (o instanceof Integer i) return i;
        if (o instanceof BigDecimal d) return d.setScale(0, RoundingMode.HALF_UP).longValueExact();
        if (o instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) throw new UntranslatableException(d + " is not an integer");
            return (long) Math.rint(d);
        }
        if (o instanceof Boolean b) throw new UntranslatableException("boolean " + b + " is not an integer");
        if (o instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                throw new UntranslatableException("invalid integer: \"" + s + "\"");
            }
        }
        throw new UntranslatableException(v + " is not an integer");
    }

    public static BigDecimal toBigDecimal(Value v) {
        Object o = v.value();
        if (o instanceof BigDecimal d) return d;
        if (o instanceof Long l) return BigDecimal.valueOf(l);
        if (o instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) throw new UntranslatableException(d + " has no exact numeric value");
            return new BigDecimal(Double.toString(d));
        }
        if (o instanceof String s) {
            try {
                return new BigDecimal(s.trim());
            } catch (NumberFormatException e) {
                throw new UntranslatableException("invalid numeric: \"" + s + "\"");
            }
        }
        throw new UntranslatableException(v + " is not a number");
    }

    public static double toDouble(Value v) {
        Object o = v.value();
        if (o instanceof Double d) return d;
        if (o instanceof Long l) return l;
        if (o instanceof BigDecimal d) return d.doubleValue();
        if (o instanceof String s) {
            String t = s.trim().toLowerCase(Locale.ROOT);
            return switch (t) {
                case "nan" -> Double.NaN;
                case "infinity", "+infinity", "inf" -> Double.POSITIVE_INFINITY;
                case "-infinity", "-inf" -> Double.NEGATIVE_INFINITY;
                default -> {
                    try {
                        yield Double.parseDouble(t);
                    } catch (NumberFormatException e) {
                        throw new UntranslatableException("invalid floating-point value: \"" + s + "\"");
                    }
                }
            };
        }
        throw new UntranslatableException(v + " is not a number");
    }

    public static boolean toBool(Value v) {
        Object o = v.value();
        if (o instanceof Boolean b) return b;
        if (o instanceof Long l && (l == 0 || l == 1)) return l == 1;
        String s = text(v).trim().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "t", "true", "y", "yes", "on", "1" -> true;
            case "f", "false", "n", "no", "off", "0" -> false;
            default -> throw new UntranslatableException("invalid boolean: \"" + s + "\"");
        };
    }

    /** Text as PostgreSQL renders a value cast to text. */
    public static String text(Value v) {
        Object o = v.value();
        if (o instanceof String s) return s;
        if (o instanceof BigDecimal d) return d.toPlainString();
        if (o instanceof Boolean b) return b ? "true" : "false";
        if (o instanceof byte[] b) return "\\x" + HexFormat.of().formatHex(b);
        if (o instanceof Double d) return d.isNaN() ? "NaN" : d.isInfinite() ? (d > 0 ? "Infinity" : "-Infinity") : shortDouble(d);
        if (o instanceof List<?> l) {
            StringBuilder sb = new StringBuilder("{");
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) sb.append(',');
                Value e = (Value) l.get(i);
                sb.append(e.isNull() ? "NULL" : text(e));
            }
            return sb.append('}').toString();
        }
        return String.valueOf(o);
    }

    private static String shortDouble(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
        return Double.toString(d);
    }

    // ---------------------------------------------------------------- temporal

    record Parsed(LocalDateTime local, ZoneOffset offset, boolean hasTime) {}

    static Parsed parseTemporal(String s) {
        Matcher m = TS.matcher(s.trim());
        if (!m.matches()) throw new UntranslatableException("unsupported date/time input: \"" + s + "\"");
        LocalDate d = LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
        LocalTime t = LocalTime.MIDNIGHT;
        if (m.group(4) != null) {
            int nanos = 0;
            if (m.group(7) != null) nanos = Integer.parseInt((m.group(7) + "000000000").substring(0, 9));
            t = LocalTime.of(Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                    m.group(6) == null ? 0 : Integer.parseInt(m.group(6)), nanos);
        }
        ZoneOffset off = null;
        String z = m.group(8);
        if (z != null) {
            if (z.equalsIgnoreCase("Z") || z.equals("UTC")) off = ZoneOffset.UTC;
            else {
                String digits = z.substring(1).replace(":", "");
                int h = Integer.parseInt(digits.substring(0, Math.min(2, digits.length())));
                int mi = digits.length() >= 4 ? Integer.parseInt(digits.substring(2, 4)) : 0;
                int se = digits.length() >= 6 ? Integer.parseInt(digits.substring(4, 6)) : 0;
                off = ZoneOffset.ofHoursMinutesSeconds(z.charAt(0) == '-' ? -h : h, z.charAt(0) == '-' ? -mi : mi, z.charAt(0) == '-' ? -se : se);
            }
        }
        return new Parsed(LocalDateTime.of(d, t), off, m.group(4) != null);
    }

    private static boolean infinite(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        return t.equals("infinity") || t.equals("-infinity") || t.equals("+infinity");
    }

    private static ZoneId zoneOf(Value v, ZoneId session) {
        if (v.typeName() != null && v.typeName().startsWith("tz:")) {
            try {
                return ZoneId.of(v.typeName().substring(3));
            } catch (RuntimeException ignored) {
                // a type name, not a zone
            }
        }
        return session;
    }

    static String date(Value v, ZoneId zone) {
        String s = text(v);
        if (infinite(s)) return s.trim().toLowerCase(Locale.ROOT).replace("+", "");
        Parsed p = parseTemporal(s);
        LocalDateTime l = p.local;
        if (p.offset != null && v.kind() == Kind.TIMESTAMPTZ) l = l.atOffset(p.offset).atZoneSameInstant(zone).toLocalDateTime();
        return l.toLocalDate().toString();
    }

    static String timestamp(Value v, ZoneId zone, Integer precision) {
        String s = text(v);
        if (infinite(s)) return s.trim().toLowerCase(Locale.ROOT).replace("+", "");
        Parsed p = parseTemporal(s);
        LocalDateTime l = p.local;
        // an explicit offset is converted to the session's zone; a timestamp column then drops it (PostgreSQL's rule)
        if (p.offset != null && v.kind() != Kind.TIMESTAMP) l = l.atOffset(p.offset).atZoneSameInstant(zone).toLocalDateTime();
        return LOCAL.format(roundMicros(l, precision));
    }

    static String timestamptz(Value v, ZoneId zone, Integer precision) {
        String s = text(v);
        if (infinite(s)) return s.trim().toLowerCase(Locale.ROOT).replace("+", "");
        Parsed p = parseTemporal(s);
        Instant i = p.offset != null ? p.local.toInstant(p.offset) : p.local.atZone(zoneOf(v, zone)).toInstant();
        LocalDateTime utc = roundMicros(LocalDateTime.ofInstant(i, ZoneOffset.UTC), precision);
        return LOCAL.format(utc) + "Z";
    }

    private static LocalDateTime roundMicros(LocalDateTime l, Integer precision) {
        int p = precision == null ? 6 : Math.min(6, precision);
        long unitNanos = (long) Math.pow(10, 9 - p);
        long nanos = l.getNano();
        long rounded = (nanos + unitNanos / 2) / unitNanos * unitNanos;
        return l.withNano(0).plusNanos(rounded);
    }

    public static Instant instantOf(Value canonical) {
        String s = (String) canonical.value();
        if (s.equals("infinity")) return Instant.ofEpochMilli(Long.MAX_VALUE);
        if (s.equals("-infinity")) return Instant.ofEpochMilli(Long.MIN_VALUE);
        Parsed p = parseTemporal(s);
        return p.local.toInstant(p.offset == null ? ZoneOffset.UTC : p.offset);
    }

    static UUID uuid(String s) {
        String h = s.trim().replace("{", "").replace("}", "").replace("-", "");
        if (h.length() != 32) throw new UntranslatableException("invalid uuid: \"" + s + "\"");
        return new UUID(Long.parseUnsignedLong(h.substring(0, 16), 16), Long.parseUnsignedLong(h.substring(16), 16));
    }

    // ---------------------------------------------------------------- to BSON

    /** A value (canonical, or of an unknown column) as BSON. */
    public static BsonValue toBson(Value v) {
        if (v == null || v.isNull()) return BsonNull.VALUE;
        Object o = v.value();
        return switch (v.kind()) {
            case NULL -> BsonNull.VALUE;
            case BOOL -> BsonBoolean.valueOf((Boolean) o);
            case INT2, INT4 -> new BsonInt32(Math.toIntExact(toLong(v)));
            case INT8 -> new BsonInt64(toLong(v));
            case FLOAT4, FLOAT8 -> new BsonDouble(toDouble(v));
            case NUMERIC -> new BsonDecimal128(decimal(o));
            case TEXT, INTERVAL, XML, TIME, TIMETZ -> new BsonString(text(v));
            case BYTES -> new BsonBinary((byte[]) o);
            case DATE, TIMESTAMP, TIMESTAMPTZ -> new BsonDateTime(instantOf(v).toEpochMilli());
            case UUID -> new BsonBinary(uuid((String) o), UuidRepresentation.STANDARD);
            case JSON -> Json.parse(text(v));
            case ARRAY -> {
                BsonArray a = new BsonArray();
                for (Value e : v.elements()) a.add(toBson(e));
                yield a;
            }
            case OTHER -> new BsonString(text(v));
        };
    }

    static Decimal128 decimal(Object o) {
        if (o instanceof String s) {
            String t = s.trim().toLowerCase(Locale.ROOT);
            if (t.equals("nan")) return Decimal128.NaN;
            if (t.equals("infinity") || t.equals("+infinity")) return Decimal128.POSITIVE_INFINITY;
            if (t.equals("-infinity")) return Decimal128.NEGATIVE_INFINITY;
            o = new BigDecimal(t);
        }
        BigDecimal d = (BigDecimal) o;
        try {
            return new Decimal128(d);
        } catch (NumberFormatException e) {
            throw new UntranslatableException("numeric " + d.toPlainString() + " has more than 34 significant digits or an"
                    + " exponent Decimal128 cannot hold; it cannot be stored without losing precision");
        }
    }

    /** Convert a value for a column of type {@code t} (null: unknown column). */
    public static BsonValue toBson(Value v, ColumnType t, ZoneId zone) {
        return toBson(coerce(v, t, zone));
    }

    // ---------------------------------------------------------------- from BSON

    /** A document's field as a value of the column's type (null type: by the BSON type). */
    public static Value fromBson(BsonValue b, ColumnType t) {
        if (b == null || b.isNull()) return Value.NULL;
        if (t != null && t.array() && b.isArray()) {
            List<Value> out = new ArrayList<>();
            for (BsonValue e : b.asArray()) out.add(fromBson(e, t.element()));
            return Value.array(out, t.base());
        }
        String base = t == null ? "" : t.base();
        switch (b.getBsonType()) {
            case INT32 -> {
                return new Value(base.equals("int2") ? Kind.INT2 : Kind.INT4, (long) b.asInt32().getValue(), null);
            }
            case INT64 -> {
                return Value.int8(b.asInt64().getValue());
            }
            case DOUBLE -> {
                return new Value(base.equals("float4") ? Kind.FLOAT4 : Kind.FLOAT8, b.asDouble().getValue(), null);
            }
            case DECIMAL128 -> {
                Decimal128 d = b.asDecimal128().getValue();
                if (d.isNaN()) return new Value(Kind.NUMERIC, "NaN", null);
                if (d.isInfinite()) return new Value(Kind.NUMERIC, d.isNegative() ? "-Infinity" : "Infinity", null);
                return Value.numeric(d.bigDecimalValue());
            }
            case STRING -> {
                String s = b.asString().getValue();
                return switch (base) {
                    case "time" -> new Value(Kind.TIME, s, null);
                    case "timetz" -> new Value(Kind.TIMETZ, s, null);
                    case "interval" -> new Value(Kind.INTERVAL, s, null);
                    default -> Value.text(s);
                };
            }
            case BOOLEAN -> {
                return Value.bool(b.asBoolean().getValue());
            }
            case DATE_TIME -> {
                long ms = b.asDateTime().getValue();
                if (ms == Long.MAX_VALUE || ms == Long.MIN_VALUE) {
                    Kind k = base.equals("date") ? Kind.DATE : base.equals("timestamp") ? Kind.TIMESTAMP : Kind.TIMESTAMPTZ;
                    return new Value(k, ms > 0 ? "infinity" : "-infinity", null);
                }
                LocalDateTime l = LocalDateTime.ofInstant(Instant.ofEpochMilli(ms), ZoneOffset.UTC);
                return switch (base) {
                    case "date" -> new Value(Kind.DATE, l.toLocalDate().toString(), null);
                    case "timestamp" -> new Value(Kind.TIMESTAMP, LOCAL.format(l), null);
                    default -> new Value(Kind.TIMESTAMPTZ, LOCAL.format(l) + "Z", null);
                };
            }
            case BINARY -> {
                BsonBinary bin = b.asBinary();
                if (bin.getType() == BsonBinarySubType.UUID_STANDARD.getValue()) {
                    return new Value(Kind.UUID, bin.asUuid(UuidRepresentation.STANDARD).toString(), null);
                }
                return Value.bytes(bin.getData());
            }
            case DOCUMENT -> {
                return new Value(Kind.JSON, jsonText(b), null);
            }
            case ARRAY -> {
                if (base.equals("json") || base.equals("jsonb")) return new Value(Kind.JSON, jsonText(b), null);
                List<Value> out = new ArrayList<>();
                for (BsonValue e : b.asArray()) out.add(fromBson(e, null));
                return Value.array(out, null);
            }
            default -> {
                return new Value(Kind.OTHER, b.toString(), null);
            }
        }
    }

    /** Plain JSON text of an embedded value (numbers as numbers, not Extended JSON). */
    public static String jsonText(BsonValue b) {
        StringBuilder sb = new StringBuilder();
        writeJson(sb, b);
        return sb.toString();
    }

    private static void writeJson(StringBuilder sb, BsonValue b) {
        switch (b.getBsonType()) {
            case DOCUMENT -> {
                sb.append('{');
                boolean first = true;
                for (var e : b.asDocument().entrySet()) {
                    if (!first) sb.append(", ");
                    first = false;
                    quote(sb, e.getKey());
                    sb.append(": ");
                    writeJson(sb, e.getValue());
                }
                sb.append('}');
            }
            case ARRAY -> {
                sb.append('[');
                boolean first = true;
                for (BsonValue e : b.asArray()) {
                    if (!first) sb.append(", ");
                    first = false;
                    writeJson(sb, e);
                }
                sb.append(']');
            }
            case STRING -> quote(sb, b.asString().getValue());
            case INT32 -> sb.append(b.asInt32().getValue());
            case INT64 -> sb.append(b.asInt64().getValue());
            case DOUBLE -> sb.append(b.asDouble().getValue());
            case DECIMAL128 -> sb.append(b.asDecimal128().getValue().bigDecimalValue().toPlainString());
            case BOOLEAN -> sb.append(b.asBoolean().getValue());
            case NULL -> sb.append("null");
            default -> quote(sb, b.toString());
        }
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }

}
