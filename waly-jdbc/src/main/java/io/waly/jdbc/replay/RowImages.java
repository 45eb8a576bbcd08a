package io.waly.jdbc.replay;

import io.waly.command.Command;
import io.waly.command.Value;
import io.waly.jdbc.values.JdbcValues;
import io.waly.log.payload.Payloads;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies the rows a statement changed on the source (its row images) instead of running it again: INSERTs of the
 * rows it inserted, UPDATEs of the rows it updated and DELETEs of the rows it deleted, each found by the table's
 * primary key. The SQL for one statement's images is built once and sent as a batch.
 */
final class RowImages {

    /** One image statement: its SQL and, per placeholder, the column of the image it takes. */
    record Plan(String sql, List<Integer> bindOrder) {}

    private RowImages() {}

    /**
     * The statement that applies {@code rows} for {@code cmd} to {@code t}; null when the table cannot take them (an
     * UPDATE or DELETE needs a primary key; an UPDATE that changes the key cannot find its row by the new one).
     */
    static Plan plan(TargetCatalog.TableShape t, Command cmd, Payloads.Effect rows) {
        boolean insert = cmd instanceof Command.Insert || cmd instanceof Command.Upsert || cmd instanceof Command.Sql;
        boolean delete = cmd instanceof Command.Delete;
        if ((!insert || cmd instanceof Command.Upsert) && t.primaryKey().isEmpty()) return null;
        if (cmd instanceof Command.Update u && u.set() != null
                && u.set().stream().anyMatch(a -> t.primaryKey().stream().anyMatch(k -> k.equalsIgnoreCase(a.column())))) {
            return null;
        }
        List<String> cols = new ArrayList<>();
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < rows.columns().size(); i++) {
            if (t.writable().contains(rows.columns().get(i))) {
                cols.add(rows.columns().get(i));
                idx.add(i);
            }
        }
        List<Integer> bindOrder = new ArrayList<>();
        if (delete) {
            return new Plan("DELETE FROM " + t.quotedName() + " WHERE " + keyCondition(t, rows, bindOrder), bindOrder);
        }
        if (insert) {
            StringBuilder b = new StringBuilder("INSERT INTO ").append(t.quotedName()).append(" (");
            b.append(String.join(", ", cols.stream().map(TargetCatalog::quote).toList())).append(')');
            if (t.identity()) b.append(" OVERRIDING SYSTEM VALUE");
            b.append(" VALUES (").append("?, ".repeat(Math.max(0, cols.size() - 1))).append(cols.isEmpty() ? "" : "?").append(')');
            bindOrder.addAll(idx);
            if (cmd instanceof Command.Upsert) {
                b.append(" ON CONFLICT (").append(String.join(", ", t.primaryKey().stream().map(TargetCatalog::quote).toList()))
                        .append(") DO UPDATE SET ");
                List<String> sets = new ArrayList<>();
                for (String c : cols) sets.add(TargetCatalog.quote(c) + " = EXCLUDED." + TargetCatalog.quote(c));
                b.append(String.join(", ", sets));
            }
            return new Plan(b.toString(), bindOrder);
        }
        StringBuilder b = new StringBuilder("UPDATE ").append(t.quotedName()).append(" SET ");
        List<String> sets = new ArrayList<>();
        for (int k = 0; k < cols.size(); k++) {
            if (t.alwaysIdentity().contains(cols.get(k))) continue;   // may not be set, and never changes
            sets.add(TargetCatalog.quote(cols.get(k)) + " = ?");
            bindOrder.add(idx.get(k));
        }
        b.append(String.join(", ", sets)).append(" WHERE ").append(keyCondition(t, rows, bindOrder));
        return new Plan(b.toString(), bindOrder);
    }

    private static String keyCondition(TargetCatalog.TableShape t, Payloads.Effect rows, List<Integer> bindOrder) {
        List<String> conds = new ArrayList<>();
        for (String k : t.primaryKey()) {
            conds.add(TargetCatalog.quote(k) + " = ?");
            bindOrder.add(rows.columns().indexOf(k));
        }
        return String.join(" AND ", conds);
    }

    /** Binds one image row into the plan's placeholders, from placeholder {@code first} on. */
    static void bind(Connection target, PreparedStatement ps, int first, Plan plan, List<Value> row) throws SQLException {
        for (int p = 0; p < plan.bindOrder().size(); p++) bindValue(target, ps, first + p, row.get(plan.bindOrder().get(p)));
    }

    /** Row images carry the database's text for dates and times, with their type: the server parses them back. */
    static void bindValue(Connection target, PreparedStatement ps, int i, Value v) throws SQLException {
        switch (v.kind()) {
            case DATE, TIME, TIMETZ, TIMESTAMP, TIMESTAMPTZ, INTERVAL, JSON, OTHER -> {
                if (v.value() == null) ps.setNull(i, java.sql.Types.OTHER);
                else ps.setObject(i, v.value(), java.sql.Types.OTHER);
            }
            case NULL -> ps.setNull(i, java.sql.Types.NULL);
            default -> JdbcValues.bind(target, ps, i, v, 0);
        }
    }
}
