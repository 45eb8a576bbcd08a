package io.waly.jdbc.capture;

import io.waly.command.Command;
import io.waly.command.Value;
import io.waly.jdbc.sql.SqlInfo;
import io.waly.jdbc.values.JdbcValues;
import io.waly.log.payload.Payloads;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Invariant 7: a write whose re-execution could give other values (serial and identity keys, volatile defaults,
 * {@code now()}, {@code random()}, …) has the rows it wrote recorded as its effects, so that replay applies the
 * source's values instead of computing new ones. {@link EffectsPlan} decides what to record; this class reads it after
 * the write ran: the rows from pgjdbc's own generated-keys mechanism ({@code RETURNING *}, which leaves the statement's
 * update count and results as the application expects them), rows read back by their keys, or sequence states.
 */
final class Effects {
    private Effects() {}

    /** True when every row of the INSERT takes the column's default (the column is left out, or DEFAULT throughout). */
    private static boolean drawsEveryRow(Command.Insert insert, String column) {
        if (insert.columns() == null) return false;
        int idx = insert.columns().indexOf(column);
        if (idx < 0) return true;
        for (List<io.waly.command.Expr> row : insert.rows()) {
            if (idx >= row.size() || !(row.get(idx) instanceof io.waly.command.Expr.Default)) return false;
        }
        return true;
    }

    /**
     * For a plain INSERT … VALUES with its own RETURNING into a table keyed by a single sequence-drawn column: the rows
     * it wrote, read back by their keys (this session's last value and the number drawn), so that even its volatile
     * defaults replay exactly. Null when the rows read back are not exactly the statement's (another session drew
     * values in between): the caller pins the sequences instead.
     */
    static List<Payloads.Effect> readInsertedRows(Connection physical, SqlInfo info, ConnectionCapture capture, long rows)
            throws SQLException {
        if (!(info.command() instanceof Command.Insert insert) || insert.table() == null || insert.rows() == null) return null;
        EffectsCatalog.TableInfo t = capture.shared().effects().lookup(physical, insert.table());
        if (!t.plainTable() || t.primaryKey().size() != 1 || !capture.mayReadRows(t)) return null;
        String key = t.primaryKey().get(0);
        String seq = t.sequences().get(key);
        if (seq == null || !drawsEveryRow(insert, key)) return null;
        String sql = "SELECT t.* FROM " + t.quotedName() + " t, (SELECT currval(?::regclass) AS last, seqincrement AS inc "
                + "FROM pg_sequence WHERE seqrelid = ?::regclass AND seqincrement > 0) s WHERE t." + EffectsCatalog.quote(key)
                + " > s.last - ? * s.inc AND t." + EffectsCatalog.quote(key) + " <= s.last ORDER BY t." + EffectsCatalog.quote(key);
        try (java.sql.PreparedStatement ps = physical.prepareStatement(sql)) {
            ps.setString(1, seq);
            ps.setString(2, seq);
            ps.setLong(3, rows);
            try (ResultSet rs = ps.executeQuery()) {
                List<List<Payloads.Effect>> read = read(rs, t, new long[] {rows});
                Payloads.Effect e = read.get(0).get(0);
                return e.rows().size() == rows && !rs.next() ? List.of(e) : null;
            }
        }
    }

    /**
     * For an upsert (INSERT … ON CONFLICT (cols) …) with its own RETURNING: the rows it left, read back by their
     * conflict keys, whose values the statement names (literals or parameters). Null when a key is an expression, or a
     * row is not found (the caller pins the sequences instead).
     */
    static List<Payloads.Effect> readUpsertedRows(Connection physical, SqlInfo info, ConnectionCapture capture, List<Value> params)
            throws SQLException {
        if (!(info.command() instanceof Command.Upsert u) || u.conflictColumns() == null || u.conflictColumns().isEmpty()) return null;
        Command.Insert insert = u.insert();
        if (insert.table() == null || insert.rows() == null || insert.columns() == null) return null;
        EffectsCatalog.TableInfo t = capture.shared().effects().lookup(physical, insert.table());
        if (!t.plainTable() || !capture.mayReadRows(t)) return null;
        StringBuilder sql = new StringBuilder("SELECT t.* FROM ").append(t.quotedName()).append(" t WHERE ");
        List<Integer> keyIdx = new ArrayList<>();
        for (String k : u.conflictColumns()) {
            int idx = insert.columns().indexOf(k);
            if (idx < 0) return null;
            if (!keyIdx.isEmpty()) sql.append(" AND ");
            sql.append("t.").append(EffectsCatalog.quote(k)).append(" = ?");
            keyIdx.add(idx);
        }
        List<List<Value>> rows = new ArrayList<>();
        List<String> columns = null;
        try (java.sql.PreparedStatement ps = physical.prepareStatement(sql.toString())) {
            for (List<io.waly.command.Expr> row : insert.rows()) {
                for (int p = 0; p < keyIdx.size(); p++) {
                    io.waly.command.Expr e = row.get(keyIdx.get(p));
                    Value v;
                    if (e instanceof io.waly.command.Expr.Literal l) v = l.value();
                    else if (e instanceof io.waly.command.Expr.Param pr && pr.index() <= params.size()) v = params.get(pr.index() - 1);
                    else return null;
                    io.waly.jdbc.values.JdbcValues.bind(physical, ps, p + 1, v, 0);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    Payloads.Effect e = read(rs, t, new long[] {1}).get(0).get(0);
                    if (e.rows().size() != 1) return null;
                    columns = e.columns();
                    rows.addAll(e.rows());
                }
            }
        }
        return List.of(new Payloads.Effect(Payloads.Effect.ROWS, t.qualifiedName(), columns, rows));
    }

    /**
     * For a batch of single-row INSERTs that name their key (a connection with {@code reWriteBatchedInserts}, where
     * WAL-y does not ask for generated keys) into a table with volatile defaults: each element's row, read back by its
     * key inside the batch's transaction. Null when a key is not a literal or parameter, or a row is missing.
     */
    static List<Payloads.Effect> readBatchRowsByKey(Connection physical, SqlInfo info, ConnectionCapture capture,
                                                           List<List<Value>> paramsPerElement) throws SQLException {
        if (!(info.command() instanceof Command.Insert insert) || insert.table() == null || insert.columns() == null
                || insert.rows() == null || insert.rows().size() != 1 || info.withClause() || info.multiStatement()) {
            return null;
        }
        EffectsCatalog.TableInfo t = capture.shared().effects().lookup(physical, insert.table());
        if (!t.plainTable() || !t.volatileDefaults() || t.primaryKey().size() != 1 || !capture.mayReadRows(t)) return null;
        String key = t.primaryKey().get(0);
        int idx = insert.columns().indexOf(key);
        if (idx < 0) return null;
        io.waly.command.Expr keyExpr = insert.rows().get(0).get(idx);
        List<String> keys = new ArrayList<>();
        for (List<Value> params : paramsPerElement) {
            Value v;
            if (keyExpr instanceof io.waly.command.Expr.Literal l) v = l.value();
            else if (keyExpr instanceof io.waly.command.Expr.Param p && p.index() <= params.size()) v = params.get(p.index() - 1);
            else return null;
            if (v.value() == null) return null;
            keys.add(String.valueOf(v.value()));
        }
        String sql = "SELECT t.* FROM " + t.quotedName() + " t WHERE t." + EffectsCatalog.quote(key) + "::text = ANY (?)";
        java.util.Map<String, List<Value>> byKey = new java.util.HashMap<>();
        List<String> columns;
        try (java.sql.PreparedStatement ps = physical.prepareStatement(sql)) {
            ps.setArray(1, physical.createArrayOf("text", keys.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                Payloads.Effect all = read(rs, t, new long[] {Long.MAX_VALUE}).get(0).get(0);
                columns = all.columns();
                int k = columns.indexOf(key);
                for (List<Value> row : all.rows()) byKey.put(String.valueOf(row.get(k).value()), row);
            }
        }
        List<Payloads.Effect> out = new ArrayList<>(keys.size());
        for (String k : keys) {
            List<Value> row = byKey.get(k);
            if (row == null) return null;
            out.add(new Payloads.Effect(Payloads.Effect.ROWS, t.qualifiedName(), columns, List.of(row)));
        }
        return out;
    }

    /**
     * Where sequences a statement drew from by name stand after it, for a statement whose rows are logged as images
     * (replay then moves them there instead of drawing). Read with {@code pg_sequence_last_value}, not
     * {@code currval}: it cannot fail — a privilege missing or a sequence this session never drew from — inside the
     * application's transaction; another session's later draws only move the value forward, which replay's
     * forward-only move tolerates.
     */
    static List<Payloads.Effect> readSequenceValues(Connection physical, List<String> sequences) throws SQLException {
        List<Payloads.Effect> out = new ArrayList<>();
        try (java.sql.PreparedStatement ps = physical.prepareStatement("SELECT CASE WHEN has_sequence_privilege(c.oid, 'SELECT,USAGE') "
                + "THEN pg_sequence_last_value(c.oid) END FROM pg_class c WHERE c.oid = to_regclass(?) AND c.relkind = 'S'")) {
            for (String seq : sequences) {
                ps.setString(1, seq);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) continue;
                    long v = rs.getLong(1);
                    if (rs.wasNull()) continue;
                    out.add(new Payloads.Effect(Payloads.Effect.SEQUENCE, seq, List.of("last_value"), List.of(List.of(Value.int8(v)))));
                }
            }
        }
        return out;
    }

    /** The sequences' last values drawn by this session, with the number of rows the statement wrote. */
    static List<Payloads.Effect> readSequences(Connection physical, List<String> sequences, long rows) throws SQLException {
        List<Payloads.Effect> out = new ArrayList<>();
        for (String seq : sequences) {
            try (java.sql.PreparedStatement ps = physical.prepareStatement("SELECT currval(?::regclass)")) {
                ps.setString(1, seq);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    out.add(new Payloads.Effect(Payloads.Effect.SEQUENCE, seq, List.of("last_value", "rows"),
                            List.of(List.of(Value.int8(rs.getLong(1)), Value.int8(rows)))));
                }
            }
        }
        return out;
    }

    /**
     * The row a cursor stands on, as it is before a write by that position changes it (its old values, which
     * {@code RETURNING} does not give): PostgreSQL reads a cursor's row only in {@code UPDATE}/{@code DELETE … WHERE
     * CURRENT OF}, so it is deleted with {@code RETURNING *} behind a savepoint and the savepoint rolled back — the row,
     * the cursor and its locks are as before. Empty when the cursor stands on no row, or the delete fails (a foreign
     * key refuses it; the write itself then says what it says); the write's old values are then not logged.
     * Inside the application's transaction block (a cursor of {@code CURRENT OF} lives in one; {@code BEGIN} may have
     * come as SQL on a connection in autocommit).
     */
    static List<Payloads.Effect> readRowAtCursor(Connection physical, EffectsCatalog.TableInfo t, String cursor) throws SQLException {
        try (java.sql.Statement s = physical.createStatement()) {
            try {
                s.execute("SAVEPOINT waly_old_row");
            } catch (SQLException aborted) {
                return List.of();   // no transaction block, or it already failed: the write fails too
            }
            try (ResultSet rs = s.executeQuery("DELETE FROM " + t.quotedName() + " WHERE CURRENT OF " + cursor + " RETURNING *")) {
                List<Payloads.Effect> old = read(rs, t, new long[] {1}).get(0);
                return old.get(0).rows().isEmpty() ? List.of()
                        : List.of(new Payloads.Effect(Payloads.Effect.OLD_ROWS, t.qualifiedName(), old.get(0).columns(), old.get(0).rows()));
            } catch (SQLException refused) {
                return List.of();
            } finally {
                s.execute("ROLLBACK TO SAVEPOINT waly_old_row");
                s.execute("RELEASE SAVEPOINT waly_old_row");
            }
        }
    }

    /** This transaction's large objects, as {@code pg_largeobject_metadata} rows it wrote (their xmin is its id). */
    private static final String OWN_LARGE_OBJECTS = " FROM pg_catalog.pg_largeobject_metadata m WHERE m.xmin::text::bigint = "
            + "pg_catalog.pg_current_xact_id_if_assigned()::text::bigint % 4294967296";

    /**
     * The last command of this transaction that created or changed a large object, before a statement that may create
     * one (only when the transaction already wrote: asking first would take a repeatable-read snapshot early); -1: none.
     */
    static long lastLargeObjectCommand(Connection physical) throws SQLException {
        try (java.sql.Statement s = physical.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(max(m.cmin::text::bigint), -1)" + OWN_LARGE_OBJECTS)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * The large object a statement with one call that creates one under an OID the server chose created (its OID, logged
     * as a {@code large-object} effect, which replay gives the call): the one this transaction wrote after
     * {@code lastCommand}. Nothing when it created none or several (a call per row: replay runs it again and the OIDs
     * differ, a documented limit), or inside a savepoint (the rows' xmin is the savepoint's).
     */
    static List<Payloads.Effect> readLargeObjectCreated(Connection physical, long lastCommand) throws SQLException {
        try (java.sql.PreparedStatement ps = physical.prepareStatement("SELECT m.oid::bigint" + OWN_LARGE_OBJECTS
                + " AND m.cmin::text::bigint > ? LIMIT 2")) {
            ps.setLong(1, lastCommand);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return List.of();
                long oid = rs.getLong(1);
                if (rs.next()) return List.of();
                return List.of(new Payloads.Effect(Payloads.Effect.LARGE_OBJECT, "pg_largeobject", List.of("oid"),
                        List.of(List.of(Value.int8(oid)))));
            }
        }
    }

    /** A DELETE's old values are the rows it returned: the same rows, as {@code old-rows}. */
    static List<Payloads.Effect> oldRowsOfDelete(List<Payloads.Effect> effects) {
        for (Payloads.Effect e : effects) {
            if (Payloads.Effect.ROWS.equals(e.kind()) && !e.rows().isEmpty()) {
                return List.of(new Payloads.Effect(Payloads.Effect.OLD_ROWS, e.target(), e.columns(), e.rows()));
            }
        }
        return List.of();
    }

    /**
     * Every row of the table a {@code CREATE TABLE … AS} just created in this transaction: all of them are the
     * statement's, since nobody else sees the table before its COMMIT.
     */
    static List<Payloads.Effect> readCreatedRows(Connection physical, SharedLog shared, Command.Table table) throws SQLException {
        EffectsCatalog.TableInfo t = shared.effects().lookupFresh(physical, table);
        if (t.qualifiedName() == null) return List.of();
        try (java.sql.Statement s = physical.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + t.quotedName())) {
            return read(rs, t, new long[] {Long.MAX_VALUE}).get(0);
        }
    }

    /** Reads the rows of a generated-keys result set (all columns) into effects, split per batch element by counts. */
    static List<List<Payloads.Effect>> read(ResultSet keys, EffectsCatalog.TableInfo tableInfo, long[] counts)
            throws SQLException {
        List<List<Payloads.Effect>> out = new ArrayList<>();
        String table = tableInfo.qualifiedName();
        ResultSetMetaData md = keys.getMetaData();
        // RETURNING * of UPDATE … FROM / DELETE … USING lists the other tables' columns after the target's own
        int n = Math.min(md.getColumnCount(), tableInfo.columns().isEmpty() ? md.getColumnCount() : tableInfo.columns().size());
        List<String> columns = new ArrayList<>(n);
        String[] types = new String[n];
        boolean[] binaryTimestamp = new boolean[n];
        // pgjdbc's own result (not a copy kept for the application) says which columns came in binary
        org.postgresql.PGResultSetMetaData pg = md.isWrapperFor(org.postgresql.PGResultSetMetaData.class)
                ? md.unwrap(org.postgresql.PGResultSetMetaData.class) : null;
        for (int i = 1; i <= n; i++) {
            columns.add(md.getColumnName(i));
            types[i - 1] = md.getColumnTypeName(i);
            binaryTimestamp[i - 1] = (types[i - 1].equals("timestamptz") || types[i - 1].equals("timestamp"))
                    && pg != null && pg.getFormat(i) == 1;
        }
        for (long count : counts) {
            List<List<Value>> rows = new ArrayList<>();
            for (long r = 0; r < Math.max(0, count) && keys.next(); r++) {
                List<Value> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    Value v = binaryTimestamp[i - 1] ? JdbcValues.binaryTimestamp(keys, i, types[i - 1]) : null;
                    row.add(v != null ? v : JdbcValues.fromResultSet(keys, i, types[i - 1]));
                }
                rows.add(row);
            }
            out.add(List.of(new Payloads.Effect(Payloads.Effect.ROWS, table, columns, rows)));
        }
        return out;
    }
}
