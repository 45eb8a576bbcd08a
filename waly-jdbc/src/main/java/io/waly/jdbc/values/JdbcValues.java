package io.waly.jdbc.values;

import io.waly.command.Value;
import io.waly.command.Value.Kind;
import io.waly.jdbc.WalySQLException;
import io.waly.jdbc.WalyState;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.TimeZone;
import java.util.UUID;
import org.postgresql.util.PGobject;

/**
 * JDBC values ↔ {@link Value}, both directions in one place: what a setter bound becomes a typed value in the log,
 * and replay binds it back with the setter that sends the same thing to the server. {@code java.sql.Timestamp},
 * {@code Date} and {@code Time} are bound by pgjdbc in a time zone (the JVM's, or a {@code Calendar}'s); that zone is
 * recorded as the value's type name ({@code "tz:Europe/Paris"}) so that replay, in any JVM, sends the same text.
 */
public final class JdbcValues {
    private JdbcValues() {}

    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");

    /**
     * {@code t} to the microsecond as pgjdbc sends it — rounded half up, so {@code .123456789} is {@code .123457} —
     * printed as {@link #MICROS} prints it. Years 1–9999 by hand: the formatter (its fraction goes through a BigDecimal)
     * was the largest cost of recording a batch row with a timestamp (JFR, waly-bench's batch).
     */
    static String microsText(LocalDateTime t) {
        int belowMicros = t.getNano() % 1000;
        if (belowMicros > 499) t = t.plusNanos(1000 - belowMicros);   // what the database receives and keeps
        int year = t.getYear();
        if (year < 1 || year > 9999) return t.format(MICROS);
        StringBuilder s = new StringBuilder(26);
        digits(s, year, 4).append('-');
        digits(s, t.getMonthValue(), 2).append('-');
        digits(s, t.getDayOfMonth(), 2).append('T');
        digits(s, t.getHour(), 2).append(':');
        digits(s, t.getMinute(), 2).append(':');
        digits(s, t.getSecond(), 2).append('.');
        return digits(s, t.getNano() / 1000, 6).toString();
    }

    // ------------------------------------------------------------------ capture

    /** The value of {@code setObject(i, x)} (and of the typed setters, which pass their boxed argument). */
    public static Value of(Object x) throws SQLException {
        if (x == null) return Value.NULL;
        if (x instanceof String s) return Value.text(s);
        if (x instanceof Integer i) return Value.int4(i);
        if (x instanceof Long l) return Value.int8(l);
        if (x instanceof Short s) return new Value(Kind.INT2, (long) s, null);
        if (x instanceof Byte b) return new Value(Kind.INT2, (long) b, null);
        if (x instanceof BigDecimal d) return Value.numeric(d);
        if (x instanceof BigInteger b) return Value.numeric(new BigDecimal(b));
        if (x instanceof Double d) return Value.float8(d);
        if (x instanceof Float f) return new Value(Kind.FLOAT4, (double) f, null);
        if (x instanceof Boolean b) return Value.bool(b);
        if (x instanceof byte[] b) return Value.bytes(b.clone());
        if (x instanceof Character c) return Value.text(String.valueOf(c));
        if (x instanceof UUID u) return Value.of(Kind.UUID, u.toString());
        if (x instanceof LocalDate d) return Value.of(Kind.DATE, d.toString());
        if (x instanceof LocalTime t) return Value.of(Kind.TIME, t.toString());
        if (x instanceof LocalDateTime t) return Value.of(Kind.TIMESTAMP, microsText(t));
        if (x instanceof OffsetDateTime t) return Value.of(Kind.TIMESTAMPTZ, microsText(t.toLocalDateTime()) + t.getOffset());
        if (x instanceof OffsetTime t) return Value.of(Kind.TIMETZ, t.toString());
        if (x instanceof java.sql.Timestamp ts) return timestamp(ts, null);
        if (x instanceof java.sql.Date d) return date(d, null);
        if (x instanceof java.sql.Time t) return time(t, null);
        if (x instanceof PGobject o) return pgObject(o);
        if (x instanceof Array a) return array(a);
        if (x instanceof Object[] arr) return array(arr, null);
        if (x instanceof int[] || x instanceof long[] || x instanceof double[] || x instanceof float[]
                || x instanceof short[] || x instanceof boolean[]) {
            List<Value> els = new ArrayList<>();
            int n = java.lang.reflect.Array.getLength(x);
            for (int i = 0; i < n; i++) els.add(of(java.lang.reflect.Array.get(x, i)));
            return Value.array(els, null);
        }
        if (x instanceof java.util.Map<?, ?> m) return new Value(Kind.OTHER, m.toString(), "hstore");
        return new Value(Kind.OTHER, x.toString(), x.getClass().getName());
    }

    public static Value timestamp(java.sql.Timestamp ts, Calendar cal) {
        if (ts == null) return Value.NULL;
        LocalDateTime ldt = inZone(ts.toInstant(), cal);
        return new Value(Kind.TIMESTAMP, microsText(ldt), "tz:" + zone(cal).getId());
    }

    public static Value date(java.sql.Date d, Calendar cal) {
        if (d == null) return Value.NULL;
        LocalDate ld = inZone(java.time.Instant.ofEpochMilli(d.getTime()), cal).toLocalDate();
        return new Value(Kind.DATE, ld.toString(), "tz:" + zone(cal).getId());
    }

    public static Value time(java.sql.Time t, Calendar cal) {
        if (t == null) return Value.NULL;
        LocalTime lt = inZone(java.time.Instant.ofEpochMilli(t.getTime()), cal).toLocalTime();
        return new Value(Kind.TIME, lt.toString(), "tz:" + zone(cal).getId());
    }

    private static ZoneId zone(Calendar cal) {
        return cal == null ? ZoneId.systemDefault() : cal.getTimeZone().toZoneId();
    }

    private static LocalDateTime inZone(java.time.Instant i, Calendar cal) {
        return LocalDateTime.ofInstant(i, zone(cal));
    }

    private static Value pgObject(PGobject o) {
        String type = o.getType() == null ? "" : o.getType();
        Kind kind = switch (type) {
            case "json", "jsonb" -> Kind.JSON;
            case "interval" -> Kind.INTERVAL;
            case "uuid" -> Kind.UUID;
            case "xml" -> Kind.XML;
            default -> Kind.OTHER;
        };
        return o.getValue() == null ? Value.nullOf(type) : new Value(kind, o.getValue(), type);
    }

    public static Value array(Array a) throws SQLException {
        if (a == null) return Value.NULL;
        Object arr = a.getArray();
        return array((Object[]) arr, a.getBaseTypeName());
    }

    private static Value array(Object[] arr, String baseType) throws SQLException {
        List<Value> els = new ArrayList<>(arr.length);
        for (Object o : arr) els.add(of(o));
        return Value.array(els, baseType);
    }

    public static byte[] readAll(InputStream in, long length) throws SQLException {
        if (in == null) return null;
        try {
            return length < 0 ? in.readAllBytes() : in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, length));
        } catch (IOException e) {
            throw new WalySQLException("cannot read the stream bound as a parameter: " + e.getMessage(), WalyState.DATA_ERROR, e);
        }
    }

    public static String readAll(Reader r, long length) throws SQLException {
        if (r == null) return null;
        try {
            StringBuilder sb = new StringBuilder();
            char[] buf = new char[8192];
            long left = length < 0 ? Long.MAX_VALUE : length;
            int n;
            while (left > 0 && (n = r.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
                sb.append(buf, 0, n);
                left -= n;
            }
            return sb.toString();
        } catch (IOException e) {
            throw new WalySQLException("cannot read the reader bound as a parameter: " + e.getMessage(), WalyState.DATA_ERROR, e);
        }
    }

    public static byte[] bytes(Blob b) throws SQLException {
        return b == null ? null : b.getBytes(1, (int) b.length());
    }

    public static String text(Clob c) throws SQLException {
        return c == null ? null : c.getSubString(1, (int) c.length());
    }

    // ------------------------------------------------------------------ replay

    /**
     * Binds a value of a row image (or one a version mapping computed): images carry the database's text for dates,
     * times, JSON and types WAL-y does not model, with their type, so the server parses them back.
     */
    public static void bindImage(Connection c, PreparedStatement ps, int i, Value v) throws SQLException {
        switch (v.kind()) {
            case DATE, TIME, TIMETZ, TIMESTAMP, TIMESTAMPTZ, INTERVAL, JSON, OTHER -> {
                if (v.value() == null) ps.setNull(i, java.sql.Types.OTHER);
                else ps.setObject(i, v.value(), java.sql.Types.OTHER);
            }
            case NULL -> ps.setNull(i, java.sql.Types.NULL);
            default -> bind(c, ps, i, v, 0);
        }
    }

    /**
     * Binds a logged parameter the way the application bound it.
     *
     * @param jdbcType the {@code java.sql.Types} code the application gave (0 when none)
     */
    public static void bind(Connection c, PreparedStatement ps, int i, Value v, int jdbcType) throws SQLException {
        Object o = v.value();
        switch (v.kind()) {
            case NULL -> {
                if (jdbcType != 0 && v.typeName() != null) ps.setNull(i, jdbcType, v.typeName());
                else if (jdbcType != 0) ps.setNull(i, jdbcType);
                else ps.setObject(i, null);
            }
            case BOOL -> bindObject(ps, i, o, jdbcType, () -> ps.setBoolean(i, (Boolean) o));
            case INT2 -> bindObject(ps, i, ((Long) o).shortValue(), jdbcType, () -> ps.setShort(i, ((Long) o).shortValue()));
            case INT4 -> bindObject(ps, i, ((Long) o).intValue(), jdbcType, () -> ps.setInt(i, ((Long) o).intValue()));
            case INT8 -> bindObject(ps, i, o, jdbcType, () -> ps.setLong(i, (Long) o));
            case FLOAT4 -> bindObject(ps, i, ((Double) o).floatValue(), jdbcType, () -> ps.setFloat(i, ((Double) o).floatValue()));
            case FLOAT8 -> bindObject(ps, i, o, jdbcType, () -> ps.setDouble(i, (Double) o));
            case NUMERIC -> {
                if (o instanceof BigDecimal d) bindObject(ps, i, d, jdbcType, () -> ps.setBigDecimal(i, d));
                else ps.setObject(i, o.toString(), Types.OTHER);
            }
            case TEXT -> bindObject(ps, i, o, jdbcType, () -> ps.setString(i, (String) o));
            case BYTES -> bindObject(ps, i, o, jdbcType, () -> ps.setBytes(i, (byte[]) o));
            case DATE -> {
                if (zoned(v)) ps.setDate(i, java.sql.Date.valueOf(LocalDate.parse((String) o)), calendar(v));
                else ps.setObject(i, LocalDate.parse((String) o));
            }
            case TIME -> {
                if (zoned(v)) ps.setTime(i, java.sql.Time.valueOf(LocalTime.parse((String) o)), calendar(v));
                else ps.setObject(i, LocalTime.parse((String) o));
            }
            case TIMESTAMP -> {
                if (zoned(v)) {
                    LocalDateTime ldt = LocalDateTime.parse((String) o);
                    Calendar cal = calendar(v);
                    java.sql.Timestamp ts = java.sql.Timestamp.from(ldt.atZone(cal.getTimeZone().toZoneId()).toInstant());
                    ps.setTimestamp(i, ts, cal);
                } else if (isoText((String) o)) {
                    ps.setObject(i, pg("timestamp", (String) o));
                } else {
                    ps.setObject(i, LocalDateTime.parse((String) o));
                }
            }
            case TIMESTAMPTZ -> {
                if (isoText((String) o)) ps.setObject(i, pg("timestamptz", (String) o));
                else ps.setObject(i, OffsetDateTime.parse((String) o));
            }
            case TIMETZ -> ps.setObject(i, OffsetTime.parse((String) o));
            case UUID -> {
                if (v.typeName() != null) ps.setObject(i, pg(v.typeName(), (String) o));
                else ps.setObject(i, UUID.fromString((String) o));
            }
            case JSON, INTERVAL, XML -> ps.setObject(i, pg(v.typeName() == null ? v.kind().tag : v.typeName(), (String) o));
            case ARRAY -> {
                List<Value> els = v.elements();
                Object[] arr = new Object[els.size()];
                for (int k = 0; k < arr.length; k++) arr[k] = javaValue(els.get(k));
                String base = v.typeName() != null ? v.typeName() : guessBase(els);
                ps.setArray(i, c.createArrayOf(base, arr));
            }
            case OTHER -> {
                if ("hstore".equals(v.typeName()) || v.typeName() == null || v.typeName().contains(".")) ps.setObject(i, o, Types.OTHER);
                else ps.setObject(i, pg(v.typeName(), (String) o));
            }
        }
    }

    private interface Binder {
        void bind() throws SQLException;
    }

    /** With an explicit target type the application called setObject(i, x, type): do the same. */
    private static void bindObject(PreparedStatement ps, int i, Object o, int jdbcType, Binder typed) throws SQLException {
        if (jdbcType != 0) ps.setObject(i, o, jdbcType);
        else typed.bind();
    }

    private static boolean zoned(Value v) {
        return v.typeName() != null && v.typeName().startsWith("tz:");
    }

    private static Calendar calendar(Value v) {
        return Calendar.getInstance(TimeZone.getTimeZone(ZoneId.of(v.typeName().substring(3))));
    }

    /**
     * True for a logged timestamp the server reads as it is ({@code 2024-05-01T10:00:00.123456+02:00}, years 1–9999):
     * it is then sent as that text, typed as pgjdbc would type the Java value ({@code timestamp}, {@code timestamptz}),
     * which is the same value without parsing it into a Java object and printing it again — that was the largest cost
     * of replaying a row with a timestamp (JFR, waly-bench's replay). Other years go through the Java value, whose
     * text pgjdbc writes as the server wants it ({@code BC}, {@code infinity}).
     */
    private static boolean isoText(String t) {
        return t.length() >= 19 && t.charAt(4) == '-' && t.charAt(10) == 'T' && !t.startsWith("0000")
                && Character.isDigit(t.charAt(0));
    }

    private static PGobject pg(String type, String value) throws SQLException {
        PGobject p = new PGobject();
        p.setType(type);
        p.setValue(value);
        return p;
    }

    /** A Java object for a value, for array elements and for consumers that want plain objects. */
    public static Object javaValue(Value v) {
        Object o = v.value();
        return switch (v.kind()) {
            case NULL -> null;
            case INT2 -> ((Long) o).shortValue();
            case INT4 -> ((Long) o).intValue();
            case FLOAT4 -> ((Double) o).floatValue();
            case DATE -> LocalDate.parse((String) o);
            case TIME -> LocalTime.parse((String) o);
            case TIMESTAMP -> LocalDateTime.parse((String) o);
            case TIMESTAMPTZ -> OffsetDateTime.parse((String) o);
            case UUID -> UUID.fromString((String) o);
            case ARRAY -> v.elements().stream().map(JdbcValues::javaValue).toArray();
            default -> o;
        };
    }

    private static String guessBase(List<Value> els) {
        for (Value e : els) {
            switch (e.kind()) {
                case INT2: return "int2";
                case INT4: return "int4";
                case INT8: return "int8";
                case FLOAT4: return "float4";
                case FLOAT8: return "float8";
                case NUMERIC: return "numeric";
                case BOOL: return "bool";
                case UUID: return "uuid";
                case DATE: return "date";
                case TIMESTAMP: return "timestamp";
                case TIMESTAMPTZ: return "timestamptz";
                case NULL: continue;
                default: return "text";
            }
        }
        return "text";
    }

    /** A cell of a row the database returned (a RETURNING image), typed by its column's database type. */
    public static Value fromResultSet(ResultSet rs, int col, String pgType) throws SQLException {
        // Types recorded as their text are read as text only: pgjdbc's object for a timestamp would go through a
        // Calendar, which cost more than the rest of reading an effects row.
        switch (pgType) {
            case "date":
                return text(rs, col, pgType, Kind.DATE, "date");
            case "timestamp":
                return text(rs, col, pgType, Kind.TIMESTAMP, "timestamp");
            case "timestamptz":
                return text(rs, col, pgType, Kind.TIMESTAMPTZ, "timestamptz");
            case "time":
                return text(rs, col, pgType, Kind.TIME, "time");
            case "timetz":
                return text(rs, col, pgType, Kind.TIMETZ, "timetz");
            case "json":
            case "jsonb":
                return text(rs, col, pgType, Kind.JSON, pgType);
            case "interval":
                return text(rs, col, pgType, Kind.INTERVAL, "interval");
            case "money":   // pgjdbc reads it as a double, which fails on its lc_monetary text ("$4,000.00")
                return text(rs, col, pgType, Kind.OTHER, "money");
            case "refcursor":   // pgjdbc's object for it is the cursor's rows: it would FETCH ALL from the named cursor
                return text(rs, col, pgType, Kind.OTHER, "refcursor");
            case "text":
            case "varchar":
            case "bpchar":
            case "name":
                return text(rs, col, pgType, Kind.TEXT, pgType.equals("text") ? null : pgType);
            default:
                break;
        }
        Object o = rs.getObject(col);
        if (o == null || rs.wasNull()) return Value.nullOf(pgType);
        switch (pgType) {
            case "int2":
            case "smallserial":
                return new Value(Kind.INT2, ((Number) o).longValue(), null);
            case "int4":
            case "serial":   // pgjdbc names a column with a nextval default by its serial type
            case "oid":
                return Value.int4(((Number) o).longValue());
            case "int8":
            case "bigserial":
                return Value.int8(((Number) o).longValue());
            case "float4":
                return new Value(Kind.FLOAT4, ((Number) o).doubleValue(), null);
            case "float8":
                return Value.float8(((Number) o).doubleValue());
            case "numeric":
                return o instanceof BigDecimal d ? Value.numeric(d) : new Value(Kind.NUMERIC, rs.getString(col), null);
            case "bool":
                return Value.bool((Boolean) o);
            case "bytea":
                return Value.bytes(rs.getBytes(col));
            case "uuid":
                return new Value(Kind.UUID, o.toString(), null);
            default:
                if (o instanceof Array a) return array(a);
                return new Value(Kind.OTHER, rs.getString(col), pgType);
        }
    }

    /**
     * A timestamp or timestamptz cell pgjdbc received in binary (a server-prepared statement's RETURNING), read without
     * pgjdbc's {@code getString}, which goes through a Calendar and costs more than the rest of a row image: the
     * microseconds since 2000-01-01 as PostgreSQL's own text (UTC for timestamptz), which the server parses back to the
     * same value. Null outside years 1–9999 (and for ±infinity): the caller then reads it as text.
     */
    public static Value binaryTimestamp(ResultSet rs, int col, String pgType) throws SQLException {
        byte[] b = rs.getBytes(col);
        if (b == null) return Value.nullOf(pgType);
        if (b.length != 8) return null;
        long micros = 0;
        for (byte x : b) micros = (micros << 8) | (x & 0xff);
        if (micros < MIN_MICROS || micros >= MAX_MICROS) return null;
        long seconds = PG_EPOCH_SECONDS + Math.floorDiv(micros, 1_000_000L);
        int fraction = (int) Math.floorMod(micros, 1_000_000L);
        // digits by hand: a DateTimeFormatter cost more than the rest of reading the row (JFR, TPC-B's history row)
        LocalDate day = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400L));
        int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
        StringBuilder s = new StringBuilder(32);
        digits(s, day.getYear(), 4).append('-');
        digits(s, day.getMonthValue(), 2).append('-');
        digits(s, day.getDayOfMonth(), 2).append(' ');
        digits(s, secondOfDay / 3600, 2).append(':');
        digits(s, secondOfDay / 60 % 60, 2).append(':');
        digits(s, secondOfDay % 60, 2);
        if (fraction != 0) {
            int width = 6;
            while (fraction % 10 == 0) {
                fraction /= 10;
                width--;
            }
            digits(s.append('.'), fraction, width);
        }
        boolean zoned = pgType.equals("timestamptz");
        if (zoned) s.append("+00");
        return new Value(zoned ? Kind.TIMESTAMPTZ : Kind.TIMESTAMP, s.toString(), pgType);
    }

    /** {@code n} (≥ 0) in at least {@code width} digits, zero-padded on the left. */
    private static StringBuilder digits(StringBuilder s, int n, int width) {
        for (int d = width - 1, p = 10; d > 0; d--, p *= 10) if (n < p) s.append('0');
        return s.append(n);
    }

    /** 2000-01-01T00:00:00Z, PostgreSQL's epoch for binary dates and times. */
    private static final long PG_EPOCH_SECONDS = 946_684_800L;
    private static final long MIN_MICROS = (LocalDateTime.of(1, 1, 1, 0, 0).toEpochSecond(java.time.ZoneOffset.UTC) - PG_EPOCH_SECONDS) * 1_000_000L;
    private static final long MAX_MICROS = (LocalDateTime.of(10000, 1, 1, 0, 0).toEpochSecond(java.time.ZoneOffset.UTC) - PG_EPOCH_SECONDS) * 1_000_000L;

    private static Value text(ResultSet rs, int col, String pgType, Kind kind, String typeName) throws SQLException {
        String s = rs.getString(col);
        return s == null ? Value.nullOf(pgType) : new Value(kind, s, typeName);
    }

    /** A value as SQL text for a literal: used where the server parses the text (row images read back as strings). */
    public static InputStream stream(byte[] b) {
        return new ByteArrayInputStream(b);
    }
}
