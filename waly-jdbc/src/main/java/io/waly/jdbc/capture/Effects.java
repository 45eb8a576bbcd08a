package io.waly.jdbc.capture;

import io.waly.command.Command;
import io.waly.command.Value;
import io.waly.jdbc.config.WalyConfig;
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
 * source's values instead of computing new ones. The rows come from pgjdbc's own generated-keys mechanism
 * ({@code RETURNING *}), which leaves the statement's update count and results as the application expects them.
 */
public final class Effects {
    private Effects() {}

    /**
     * The table whose changed rows a write logs as its effects (row images), when it must; null otherwise. Rows are
     * logged when re-running the statement at replay could give other rows than its source run did: other values
     * (volatile functions, serial and identity keys, volatile defaults: invariant 7), or other rows under concurrency
     * (what {@link RerunSafety} cannot prove the same, unless it calls functions of unknown effect: invariant 8).
     * Images of an UPDATE, an upsert or a DELETE are
     * applied by the table's primary key; without one the statement is re-run (a documented limit). They come from
     * pgjdbc's generated keys ({@code RETURNING *}), so a statement with a RETURNING of its own is re-run too.
     */
    public static EffectsCatalog.TableInfo tableNeedingEffects(SqlInfo info, WalyConfig config, SharedLog shared, Connection physical) {
        if (info.multiStatement() || info.withClause() || config.captureEffects() == io.waly.jdbc.config.CaptureEffects.NEVER) return null;
        Command c = info.command();
        Command.Table table;
        boolean insert = false;
        if (c instanceof Command.Insert i) {
            table = i.table();
            insert = true;
        } else if (c instanceof Command.Upsert u) {
            table = u.insert().table();
        } else if (c instanceof Command.Update u) {
            table = u.table();
        } else if (c instanceof Command.Delete d) {
            table = d.table();
        } else {
            return null;
        }
        if (table == null || hasReturning(c)) return null;
        try {
            EffectsCatalog.TableInfo t = shared.effects().lookup(physical, table);
            if (!t.plainTable()) return null;   // views with rules cannot take RETURNING
            if (config.captureEffects() == io.waly.jdbc.config.CaptureEffects.ALWAYS || info.volatileCall()) return t;
            if ((insert || c instanceof Command.Upsert) && t.volatileDefaults()) return t;
            if (RerunSafety.of(c, t) != RerunSafety.Rerun.ROWS) return null;
            return insert || !t.primaryKey().isEmpty() ? t : null;
        } catch (SQLException e) {
            return null;   // unknown table: the statement fails on its own, exactly as without WAL-y
        }
    }

    private static boolean hasReturning(Command c) {
        if (c instanceof Command.Insert i) return i.returning() != null;
        if (c instanceof Command.Upsert u) return u.insert().returning() != null;
        if (c instanceof Command.Update u) return u.returning() != null;
        if (c instanceof Command.Delete d) return d.returning() != null;
        return false;
    }

    /**
     * For an INSERT that returns rows of its own (RETURNING, or generated keys by column name) into a table with serial
     * or identity columns it left to their default: the sequences to pin. Such a statement is re-executed by replay,
     * so replay must find each sequence where the source's was; the last value this session drew ({@code currval})
     * after the statement says where. Null when nothing needs pinning.
     */
    public static java.util.List<String> sequencesToPin(SqlInfo info, SharedLog shared, Connection physical) {
        Command c = info.command();
        Command.Insert insert = c instanceof Command.Insert i ? i : c instanceof Command.Upsert u ? u.insert() : null;
        if (insert == null || insert.table() == null || info.multiStatement()) return null;
        try {
            EffectsCatalog.TableInfo t = shared.effects().lookup(physical, insert.table());
            List<String> out = new ArrayList<>();
            for (java.util.Map.Entry<String, String> e : t.sequences().entrySet()) {
                if (insert.columns() == null) continue;   // VALUES for every column: no default drawn
                if (!insert.columns().contains(e.getKey()) || usesDefault(insert, e.getKey())) out.add(e.getValue());
            }
            return out.isEmpty() ? null : out;
        } catch (SQLException e) {
            return null;
        }
    }

    /**
     * For {@code COPY … FROM}: the sequences of the serial and identity columns its column list leaves out, which it
     * draws from once per row. COPY cannot return rows, and replay runs it again: it must find each such sequence where
     * the source's stood. Null when nothing needs pinning (no column list: every column comes from the data).
     */
    public static List<String> copySequencesToPin(SqlInfo info, SharedLog shared, Connection physical) {
        if (!(info.command() instanceof Command.Copy copy) || copy.table() == null || copy.columns() == null || info.multiStatement()) {
            return null;
        }
        try {
            List<String> out = new ArrayList<>();
            for (java.util.Map.Entry<String, String> e : shared.effects().lookup(physical, copy.table()).sequences().entrySet()) {
                if (!copy.columns().contains(e.getKey())) out.add(e.getValue());
            }
            return out.isEmpty() ? null : out;
        } catch (SQLException e) {
            return null;   // unknown table: COPY fails on its own
        }
    }

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

    private static boolean usesDefault(Command.Insert insert, String column) {
        int idx = insert.columns().indexOf(column);
        if (idx < 0 || insert.rows() == null) return false;
        for (List<io.waly.command.Expr> row : insert.rows()) {
            if (idx < row.size() && row.get(idx) instanceof io.waly.command.Expr.Default) return true;
        }
        return false;
    }

    /**
     * How many values the statement drew from each sequence: one per row of its VALUES (a default is drawn even for a
     * row that ON CONFLICT then skips), or its update count; 0 when unknown (then nothing is pinned, and
     * {@code currval} is never asked about a sequence this session may not have drawn from, which would abort the
     * application's transaction).
     */
    public static long rowsDrawn(SqlInfo info, long[] counts) {
        Command c = info.command();
        Command.Insert insert = c instanceof Command.Insert i ? i : c instanceof Command.Upsert u ? u.insert() : null;
        if (insert != null && insert.rows() != null) return insert.rows().size();
        return counts.length > 0 && counts[0] > 0 && !(c instanceof Command.Upsert) ? counts[0] : 0;
    }

    /**
     * For a plain INSERT … VALUES with its own RETURNING into a table keyed by a single sequence-drawn column: the rows
     * it wrote, read back by their keys (this session's last value and the number drawn), so that even its volatile
     * defaults replay exactly. Null when the rows read back are not exactly the statement's (another session drew
     * values in between): the caller pins the sequences instead.
     */
    public static List<Payloads.Effect> readInsertedRows(Connection physical, SqlInfo info, SharedLog shared, long rows)
            throws SQLException {
        if (!(info.command() instanceof Command.Insert insert) || insert.table() == null || insert.rows() == null) return null;
        EffectsCatalog.TableInfo t = shared.effects().lookup(physical, insert.table());
        if (!t.plainTable() || t.primaryKey().size() != 1) return null;
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
    public static List<Payloads.Effect> readUpsertedRows(Connection physical, SqlInfo info, SharedLog shared, List<Value> params)
            throws SQLException {
        if (!(info.command() instanceof Command.Upsert u) || u.conflictColumns() == null || u.conflictColumns().isEmpty()) return null;
        Command.Insert insert = u.insert();
        if (insert.table() == null || insert.rows() == null || insert.columns() == null) return null;
        EffectsCatalog.TableInfo t = shared.effects().lookup(physical, insert.table());
        if (!t.plainTable()) return null;
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
    public static List<Payloads.Effect> readBatchRowsByKey(Connection physical, SqlInfo info, SharedLog shared,
                                                           List<List<Value>> paramsPerElement) throws SQLException {
        if (!(info.command() instanceof Command.Insert insert) || insert.table() == null || insert.columns() == null
                || insert.rows() == null || insert.rows().size() != 1 || info.withClause() || info.multiStatement()) {
            return null;
        }
        EffectsCatalog.TableInfo t = shared.effects().lookup(physical, insert.table());
        if (!t.plainTable() || !t.volatileDefaults() || t.primaryKey().size() != 1) return null;
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
    public static List<Payloads.Effect> readSequenceValues(Connection physical, List<String> sequences) throws SQLException {
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
    public static List<Payloads.Effect> readSequences(Connection physical, List<String> sequences, long rows) throws SQLException {
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

    /** Reads the rows of a generated-keys result set (all columns) into effects, split per batch element by counts. */
    public static List<List<Payloads.Effect>> read(ResultSet keys, EffectsCatalog.TableInfo tableInfo, long[] counts)
            throws SQLException {
        List<List<Payloads.Effect>> out = new ArrayList<>();
        String table = tableInfo.qualifiedName();
        ResultSetMetaData md = keys.getMetaData();
        // RETURNING * of UPDATE … FROM / DELETE … USING lists the other tables' columns after the target's own
        int n = Math.min(md.getColumnCount(), tableInfo.columns().isEmpty() ? md.getColumnCount() : tableInfo.columns().size());
        List<String> columns = new ArrayList<>(n);
        String[] types = new String[n];
        for (int i = 1; i <= n; i++) {
            columns.add(md.getColumnName(i));
            types[i - 1] = md.getColumnTypeName(i);
        }
        for (long count : counts) {
            List<List<Value>> rows = new ArrayList<>();
            for (long r = 0; r < Math.max(0, count) && keys.next(); r++) {
                List<Value> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) row.add(JdbcValues.fromResultSet(keys, i, types[i - 1]));
                rows.add(row);
            }
            out.add(List.of(new Payloads.Effect(Payloads.Effect.ROWS, table, columns, rows)));
        }
        return out;
    }
}
