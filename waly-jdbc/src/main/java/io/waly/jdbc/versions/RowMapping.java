package io.waly.jdbc.versions;

import io.waly.command.Command;
import io.waly.command.Expr;
import io.waly.command.Value;
import io.waly.jdbc.values.JdbcValues;
import io.waly.model.Versions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How a row, or the part of it a statement gives, goes from one schema version to another through the model's
 * {@code up}/{@code down} steps, evaluated by PostgreSQL: the one home of the mapping, used at replay
 * ({@code io.waly.jdbc.replay.VersionShift}) and live, by the driver for an application older or newer than the
 * database ({@link LiveVersion}).
 * What cannot be mapped is an {@link Unmappable} saying why; each caller words the refusal for its reader.
 */
public final class RowMapping {
    private RowMapping() {}

    /** The SQLState of a Java mapping that failed on a row (an external routine's exception, as PostgreSQL says). */
    public static final String JAVA_FAILED = JavaRows.FAILED;

    /** Why a statement cannot be mapped between versions (the message completes "cannot be mapped …: "). */
    public static final class Unmappable extends Exception {
        public Unmappable(String why) {
            super(why, null, false, false);
        }
    }

    /**
     * A row through each step: a column of the next version is computed when the row has every column its expression
     * reads, left out when it has none of them (an UPDATE that does not touch it; on an INSERT the table's default), and
     * refused when it has some but not all. {@code whole}: the row is a whole row (an INSERT's), so a column whose
     * expression reads nothing is computed too.
     */
    public static Map<String, Value> shift(List<Versions.Mapping> path, Map<String, Value> row, boolean whole, Connection c)
            throws Unmappable, SQLException {
        Map<String, Value> now = row;
        for (Versions.Mapping m : path) {
            Map<String, Value> in = now;
            List<String> given = new ArrayList<>();
            for (String col : now.keySet()) if (m.fromColumns().containsKey(col)) given.add(col);
            List<String> out = new ArrayList<>();
            for (String col : m.toColumns().keySet()) {
                Set<String> reads = m.reads(col);
                List<String> present = reads.stream().filter(in::containsKey).toList();
                if (reads.isEmpty() ? whole : present.size() == reads.size()) {
                    out.add(col);
                } else if (!present.isEmpty()) {
                    List<String> missing = reads.stream().filter(r -> !in.containsKey(r)).toList();
                    throw new Unmappable(m.describe() + " computes " + col + " from " + String.join(", ", reads)
                            + ", and the statement gives " + String.join(", ", present) + " but not " + String.join(", ", missing));
                }
            }
            Map<String, Value> next = new LinkedHashMap<>();
            // columns the model does not version go through as they are
            for (Map.Entry<String, Value> e : now.entrySet()) {
                if (!m.fromColumns().containsKey(e.getKey()) && !m.toColumns().containsKey(e.getKey())) next.put(e.getKey(), e.getValue());
            }
            if (!out.isEmpty()) next.putAll(evaluate(m, given, now, out, c));
            now = next;
        }
        return now;
    }

    /**
     * PostgreSQL computes the columns {@code out} from the row's {@code given} columns; those the step's Java function
     * computes come from running it on the row (then whole) in the JVM, cast by PostgreSQL to their columns' types.
     */
    private static Map<String, Value> evaluate(Versions.Mapping m, List<String> given, Map<String, Value> row, List<String> out,
                                               Connection c) throws SQLException {
        List<String> inJava = m.java() == null ? List.of() : out.stream().filter(m.java().columns()::contains).toList();
        Map<String, Object> computed = inJava.isEmpty() ? Map.of() : JavaRows.apply(m, row, c);
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < out.size(); i++) {
            if (i > 0) sql.append(", ");
            String type = m.toColumns().get(out.get(i));
            if (inJava.contains(out.get(i))) sql.append("?::").append(type);
            else sql.append('(').append(m.expressions().get(out.get(i))).append(")::").append(type);
        }
        if (!given.isEmpty()) {
            sql.append(" FROM (VALUES (");
            for (int i = 0; i < given.size(); i++) sql.append(i > 0 ? ", " : "").append("?::").append(m.fromColumns().get(given.get(i)));
            sql.append(")) AS r(").append(String.join(", ", given.stream().map(RowMapping::quote).toList())).append(')');
        }
        Map<String, Value> result = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int p = 1;
            for (String col : inJava) JavaRows.bind(ps, p++, computed.get(col));
            for (int i = 0; i < given.size(); i++) JdbcValues.bindImage(c, ps, p++, row.get(given.get(i)));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                ResultSetMetaData md = rs.getMetaData();
                for (int i = 0; i < out.size(); i++) result.put(out.get(i), JdbcValues.fromResultSet(rs, i + 1, md.getColumnTypeName(i + 1)));
            }
        } catch (SQLException e) {
            if (inJava.isEmpty()) throw e;
            throw new SQLException(m.describe() + " (Java: " + m.java().className() + "): " + e.getMessage(), JavaRows.FAILED, e);
        }
        return result;
    }

    /** The value a statement gives a column: a literal or a bound parameter (possibly cast); anything else is refused. */
    public static Value value(Expr e, List<Value> params) throws Unmappable {
        if (e instanceof Expr.Literal l) return l.value();
        if (e instanceof Expr.Cast cast) return value(cast.operand(), params);
        if (e instanceof Expr.Param p && params != null && p.index() >= 1 && p.index() <= params.size()) return params.get(p.index() - 1);
        throw new Unmappable("a value it writes is an expression (" + e + "), which is mapped only from row images");
    }

    /** A WHERE may read only columns that mean the same in every version of the path. */
    public static void requireShared(List<Versions.Mapping> path, Expr where) throws Unmappable {
        Set<String> read = new LinkedHashSet<>();
        columns(where, read);
        for (Versions.Mapping m : path) {
            for (String col : read) {
                String expr = m.expressions().get(col);
                if (m.fromColumns().containsKey(col) && (expr == null || !m.reads(col).equals(Set.of(col))
                        || !m.fromColumns().get(col).equalsIgnoreCase(m.toColumns().get(col)))) {
                    throw new Unmappable("its WHERE reads " + col + ", which " + m.describe() + " changes");
                }
            }
        }
    }

    private static void columns(Expr e, Set<String> out) {
        if (e instanceof Expr.Column c) out.add(c.name());
        else columns(Expr.parts(e), out);
    }

    private static void columns(List<Expr> es, Set<String> out) {
        for (Expr e : es) columns(e, out);
    }

    /** The table a row-writing command writes; null for other commands. */
    public static Command.Table table(Command c) {
        if (c instanceof Command.Insert i) return i.table();
        if (c instanceof Command.Upsert u) return u.insert().table();
        if (c instanceof Command.Update u) return u.table();
        if (c instanceof Command.Delete d) return d.table();
        if (c instanceof Command.Merge m) return m.target();
        if (c instanceof Command.Copy cp) return cp.table();
        return null;
    }

    /**
     * A versioned table that changes between {@code from} and {@code to} and that a statement's text names (a word of it,
     * case aside); null when none. A statement with no structured form is judged by its text alone.
     */
    public static String namedVersionedTable(Versions versions, String sql, Versions.Version from, Versions.Version to) {
        String text = sql.toLowerCase(Locale.ROOT);
        for (String t : versions.tables()) {
            if (versions.path(t, from, to).isEmpty()) continue;
            String name = t.substring(t.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
            if (Pattern.compile("(?<![a-z0-9_$])" + Pattern.quote(name) + "(?![a-z0-9_$])").matcher(text).find()) return t;
        }
        return null;
    }

    static String quote(String name) {
        return name.matches("[a-z_][a-z0-9_]*") ? name : "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
