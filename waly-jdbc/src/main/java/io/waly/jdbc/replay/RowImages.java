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
     * {@code only}: the images are of an {@code UPDATE ONLY}/{@code DELETE FROM ONLY}, all rows of the table itself, so
     * they are applied to it only — its inheritance children may hold rows with the same keys.
     */
    static Plan plan(TargetCatalog.TableShape t, Command cmd, Payloads.Effect rows, Payloads.Effect old, boolean only) {
        if (old != null && t.primaryKey().isEmpty() && !(cmd instanceof Command.Insert || cmd instanceof Command.Upsert)) {
            return byOldValues(t, cmd, rows, old);
        }
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
            return new Plan("DELETE FROM " + (only ? "ONLY " : "") + t.quotedName() + " WHERE " + keyCondition(t, rows, bindOrder), bindOrder);
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
        StringBuilder b = new StringBuilder("UPDATE ").append(only ? "ONLY " : "").append(t.quotedName()).append(" SET ");
        List<String> sets = new ArrayList<>();
        for (int k = 0; k < cols.size(); k++) {
            if (t.alwaysIdentity().contains(cols.get(k))) continue;   // may not be set, and never changes
            sets.add(TargetCatalog.quote(cols.get(k)) + " = ?");
            bindOrder.add(idx.get(k));
        }
        b.append(String.join(", ", sets)).append(" WHERE ").append(keyCondition(t, rows, bindOrder));
        return new Plan(b.toString(), bindOrder);
    }

    /**
     * A write by cursor position on a table without a primary key (its {@code old-rows} logged): one row holding the old
     * values — each column {@code IS NOT DISTINCT FROM} its old value, so NULLs match — is updated to the new values or
     * deleted; which of several equal rows does not matter. Found by {@code tableoid} and {@code ctid} (a parent's row
     * may be in a child table). Binds take the new row followed by the old one ({@link #joined}).
     */
    private static Plan byOldValues(TargetCatalog.TableShape t, Command cmd, Payloads.Effect rows, Payloads.Effect old) {
        if (rows.rows().size() != old.rows().size()) return null;
        boolean delete = cmd instanceof Command.Delete;
        int width = rows.columns().size();
        List<Integer> bindOrder = new ArrayList<>();
        List<String> sets = new ArrayList<>();
        if (!delete) {
            for (int i = 0; i < width; i++) {
                String c = rows.columns().get(i);
                if (!t.writable().contains(c) || t.alwaysIdentity().contains(c)) continue;
                sets.add(TargetCatalog.quote(c) + " = ?");
                bindOrder.add(i);
            }
            if (sets.isEmpty()) return null;
        }
        List<String> match = new ArrayList<>();
        List<Integer> matchOrder = new ArrayList<>();
        for (int i = 0; i < old.columns().size(); i++) {
            String c = old.columns().get(i);
            if (!t.writable().contains(c)) continue;
            String col = "w." + TargetCatalog.quote(c);
            match.add(t.textCompared().contains(c) ? col + "::text IS NOT DISTINCT FROM ?::text" : col + " IS NOT DISTINCT FROM ?");
            matchOrder.add((delete ? 0 : width) + i);
        }
        if (match.isEmpty()) return null;
        String found = "WITH waly_r AS (SELECT w.tableoid AS o, w.ctid AS c FROM " + t.quotedName() + " w WHERE "
                + String.join(" AND ", match) + " LIMIT 1) ";
        String sql = delete
                ? found + "DELETE FROM " + t.quotedName() + " AS waly_t USING waly_r WHERE waly_t.tableoid = waly_r.o AND waly_t.ctid = waly_r.c"
                : found + "UPDATE " + t.quotedName() + " AS waly_t SET " + String.join(", ", sets)
                  + " FROM waly_r WHERE waly_t.tableoid = waly_r.o AND waly_t.ctid = waly_r.c";
        // the CTE's placeholders come first in the text
        List<Integer> order = new ArrayList<>(matchOrder);
        order.addAll(bindOrder);
        return new Plan(sql, order);
    }

    /** The values a plan binds from for row {@code i}: the new row, then the old one when there is one. */
    static List<Value> joined(Payloads.Effect rows, Payloads.Effect old, int i, Command cmd) {
        if (old == null || cmd instanceof Command.Insert || cmd instanceof Command.Upsert) return rows.rows().get(i);
        if (cmd instanceof Command.Delete) return old.rows().get(i);
        List<Value> both = new ArrayList<>(rows.rows().get(i));
        both.addAll(old.rows().get(i));
        return both;
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
        JdbcValues.bindImage(target, ps, i, v);
    }
}
