package io.waly.jdbc.versions;

import io.waly.command.Value;
import io.waly.jdbc.values.JdbcValues;
import io.waly.model.JavaMapping;
import io.waly.model.Versions;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a step's {@link io.waly.model.RowFunction} on a whole row: the row's values become the plain Java values the
 * interface documents (PostgreSQL casts each to its column's type and pgjdbc reads it back), and what the function
 * returns is bound for PostgreSQL to cast to the other version's column types, so that Java and SQL columns are typed
 * by the same rules.
 */
final class JavaRows {
    /** SQLState of a failing external routine: what a function that throws, or returns too little, is reported as. */
    static final String FAILED = "38000";

    private JavaRows() {}

    /** The function's result for the row (which has every column the function reads). */
    static Map<String, Object> apply(Versions.Mapping m, Map<String, Value> row, Connection c) throws SQLException {
        JavaMapping java = m.java();
        Map<String, Object> in = Collections.unmodifiableMap(toJava(m, row, c));
        Map<String, Object> out;
        try {
            out = java.function().apply(in);
        } catch (RuntimeException e) {
            throw new SQLException(m.describe() + ": " + java.className() + " failed: " + e, FAILED, e);
        }
        if (out == null) throw new SQLException(m.describe() + ": " + java.className() + " returned null instead of a row", FAILED);
        for (String col : java.columns()) {
            if (!out.containsKey(col)) {
                throw new SQLException(m.describe() + ": " + java.className() + " returned no " + col + " (it computes "
                        + String.join(", ", java.columns()) + ")", FAILED);
            }
        }
        return out;
    }

    private static Map<String, Object> toJava(Versions.Mapping m, Map<String, Value> row, Connection c) throws SQLException {
        List<String> cols = m.java().readsInOrder();
        List<String> casts = new ArrayList<>();
        for (String col : cols) casts.add("?::" + m.fromColumns().get(col));
        Map<String, Object> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + String.join(", ", casts))) {
            for (int i = 0; i < cols.size(); i++) JdbcValues.bindImage(c, ps, i + 1, row.get(cols.get(i)));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                for (int i = 0; i < cols.size(); i++) out.put(cols.get(i), read(rs, i + 1, rs.getMetaData().getColumnTypeName(i + 1)));
            }
        }
        return out;
    }

    /** A column's value as the plain Java value {@link io.waly.model.RowFunction} documents for its type. */
    private static Object read(ResultSet rs, int i, String type) throws SQLException {
        Object v = switch (type) {
            case "int2", "int4" -> rs.getInt(i);
            case "int8" -> rs.getLong(i);
            case "numeric" -> rs.getBigDecimal(i);
            case "float4" -> rs.getFloat(i);
            case "float8" -> rs.getDouble(i);
            case "bool" -> rs.getBoolean(i);
            case "date" -> rs.getObject(i, LocalDate.class);
            case "time" -> rs.getObject(i, LocalTime.class);
            case "timestamp" -> rs.getObject(i, LocalDateTime.class);
            case "timestamptz" -> rs.getObject(i, OffsetDateTime.class);
            case "bytea" -> rs.getBytes(i);
            default -> type.startsWith("_") ? list(rs.getArray(i)) : rs.getString(i);
        };
        return rs.wasNull() ? null : v;
    }

    private static List<Object> list(Array a) throws SQLException {
        if (a == null) return null;
        List<Object> out = new ArrayList<>();
        try (ResultSet rs = a.getResultSet()) {
            String type = rs.getMetaData().getColumnTypeName(2);
            while (rs.next()) out.add(read(rs, 2, type));
        }
        return Collections.unmodifiableList(out);
    }

    /** Binds a value the function returned, for {@code ?::type} to cast. */
    static void bind(PreparedStatement ps, int i, Object v) throws SQLException {
        if (v == null) ps.setNull(i, Types.OTHER);
        else if (v instanceof byte[] b) ps.setBytes(i, b);
        else if (v instanceof List<?> l) ps.setString(i, arrayText(l));
        else if (v instanceof Number || v instanceof Boolean || v instanceof LocalDate || v instanceof LocalTime
                || v instanceof LocalDateTime || v instanceof OffsetDateTime) ps.setObject(i, v);
        else ps.setString(i, v.toString());
    }

    /** A list as PostgreSQL's array text ({"a",NULL,{…}}), every element quoted. */
    private static String arrayText(List<?> l) {
        StringBuilder sb = new StringBuilder("{");
        for (int k = 0; k < l.size(); k++) {
            if (k > 0) sb.append(',');
            Object e = l.get(k);
            if (e == null) sb.append("NULL");
            else if (e instanceof List<?> inner) sb.append(arrayText(inner));
            else {
                String text = e instanceof byte[] b ? "\\x" + HexFormat.of().formatHex(b)
                        : e instanceof BigDecimal d ? d.toPlainString() : e.toString();
                sb.append('"').append(text.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
        }
        return sb.append('}').toString();
    }
}
