package io.waly.jdbc.capture;

import io.waly.command.Command;
import io.waly.command.Expr;
import io.waly.jdbc.config.CaptureEffects;
import io.waly.jdbc.sql.SqlInfo;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a write's effects get into the log, decided before it runs (invariants 7 and 8): its changed rows from pgjdbc's
 * generated keys ({@code RETURNING *}) when {@link #table} is set, so the write runs with generated keys requested; else
 * the rows read back, or failing that the sequences pinned, when {@link #pin} is set; else nothing. {@link Effects}
 * reads what the plan asks for once the write ran. Decided per execution for a plain statement (its SQL changes), once
 * for a prepared one, per COPY.
 *
 * @param table   the table whose rows the write returns as its effects, or null
 * @param pin     the sequences the write draws from whose state is recorded after it, or null
 * @param created the table a {@code CREATE TABLE … AS} of volatile values creates, whose rows are read back, or null
 */
record EffectsPlan(EffectsCatalog.TableInfo table, List<String> pin, Command.Table created) {

    static final EffectsPlan NONE = new EffectsPlan(null, null, null);

    EffectsPlan(EffectsCatalog.TableInfo table, List<String> pin) {
        this(table, pin, null);
    }

    /** The write runs with generated keys requested, whose rows are its effects. */
    boolean asksForKeys() {
        return table != null;
    }

    /** The write's rows or sequences are read back after it ran, which must happen inside its transaction. */
    boolean readsBack() {
        return pin != null || created != null;
    }

    /**
     * The plan of a statement about to run on {@code statement}; {@code keysPossible}: it can still be run with
     * generated keys requested (neither a query nor prepared, nor named key columns).
     */
    static EffectsPlan of(ConnectionCapture capture, SqlInfo info, boolean keysPossible, Statement statement) {
        Command.Table created = createdWithVolatileValues(capture, info);
        if (created != null) return new EffectsPlan(null, null, created);
        EffectsCatalog.TableInfo table = null;
        try {
            Connection physical = statement.getConnection();
            if (keysPossible) table = tableNeedingEffects(capture, info, physical);
            List<String> pin = table != null || capture.connectionConfig().captureEffects() == CaptureEffects.NEVER ? null
                    : sequencesToPin(info, capture.shared(), physical);
            return new EffectsPlan(table, pin);
        } catch (SQLException closed) {
            return new EffectsPlan(table, null);   // the statement itself reports the closed connection
        }
    }

    /**
     * {@code CREATE TABLE t AS <query>} whose query calls volatile functions ({@code now()}, {@code random()}): re-run,
     * it would fill the table with other values, so the rows it made are read back — the table is new and nobody
     * else's before its COMMIT, so all its rows are the statement's — and replay creates the table empty and inserts
     * them ({@code WITH NO DATA} reads back none). {@code IF NOT EXISTS} may create nothing: re-run. The same for
     * {@code SELECT … INTO t}.
     */
    private static Command.Table createdWithVolatileValues(ConnectionCapture capture, SqlInfo info) {
        if (!info.volatileCall() || capture.connectionConfig().captureEffects() == CaptureEffects.NEVER) return null;
        if (info.selectInto() != null) return info.selectInto().table();   // SELECT … INTO: the same, another syntax
        if (!(info.command() instanceof Command.Ddl.CreateTable ct) || ct.query() == null || ct.ifNotExists()) return null;
        return ct.table();
    }

    /**
     * The plan of {@code COPY … FROM}: the sequences of the serial and identity columns its column list leaves out,
     * which it draws from once per row. COPY cannot return rows, and replay runs it again: it must find each such
     * sequence where the source's stood. Nothing to pin without a column list (every column comes from the data).
     */
    static EffectsPlan ofCopy(ConnectionCapture capture, SqlInfo info, Connection physical) {
        if (capture.connectionConfig().captureEffects() == CaptureEffects.NEVER || !(info.command() instanceof Command.Copy copy) || copy.table() == null
                || copy.columns() == null || info.multiStatement()) {
            return NONE;
        }
        try {
            List<String> out = new ArrayList<>();
            for (Map.Entry<String, String> e : capture.shared().effects().lookup(physical, copy.table()).sequences().entrySet()) {
                if (!copy.columns().contains(e.getKey())) out.add(e.getValue());
            }
            return out.isEmpty() ? NONE : new EffectsPlan(null, out);
        } catch (SQLException e) {
            return NONE;   // unknown table: COPY fails on its own
        }
    }

    /**
     * The table whose changed rows a write logs as its effects (row images), when it must; null otherwise. Rows are
     * logged when re-running the statement at replay could give other rows than its source run did: other values
     * (volatile functions, serial and identity keys, volatile defaults: invariant 7), or other rows under concurrency
     * (what {@link RerunSafety} cannot prove the same, unless it calls functions of unknown effect: invariant 8).
     * Images of an UPDATE, an upsert or a DELETE are
     * applied by the table's primary key; without one the statement is re-run (a documented limit). They come from
     * pgjdbc's generated keys ({@code RETURNING *}), so a statement with a RETURNING of its own is re-run too, and so is
     * one whose role may not read the table's rows ({@link ReadRights}).
     */
    static EffectsCatalog.TableInfo tableNeedingEffects(ConnectionCapture capture, SqlInfo info, Connection physical) {
        CaptureEffects setting = capture.connectionConfig().captureEffects();
        if (info.multiStatement() || info.withClause() || setting == CaptureEffects.NEVER) return null;
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
            EffectsCatalog.TableInfo t = capture.shared().effects().lookup(physical, table);
            if (!t.plainTable()) return null;   // views with rules cannot take RETURNING
            // without a key, only a write by cursor position has its rows logged: it changes one row, which replay
            // finds by its old values (keylessCursor); a write by predicate may change many, each a scan to find
            boolean wanted = setting == CaptureEffects.ALWAYS || info.volatileCall()
                    || (insert || c instanceof Command.Upsert) && t.volatileDefaults()
                    || RerunSafety.of(info, t) == RerunSafety.Rerun.ROWS
                            && (insert || !t.primaryKey().isEmpty() || RerunSafety.byCursorPosition(c));
            return wanted && capture.mayReadRows(t) ? t : null;
        } catch (SQLException e) {
            return null;   // unknown table: the statement fails on its own, exactly as without WAL-y
        }
    }

    /**
     * The cursor of a write by cursor position ({@code WHERE CURRENT OF c}) whose rows are logged, on a table without a
     * primary key: replay has no key to find its row by, so the row's old values are logged too ({@code old-rows}) and
     * replay changes one row that holds them. Null otherwise.
     */
    String keylessCursor(SqlInfo info) {
        if (table == null || !table.primaryKey().isEmpty() || !RerunSafety.byCursorPosition(info.command())) return null;
        Expr where = info.command() instanceof Command.Update u ? u.where() : ((Command.Delete) info.command()).where();
        return ((Expr.Raw) where).sql().substring("CURRENT OF".length()).trim();
    }

    static boolean hasReturning(Command c) {
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
    private static List<String> sequencesToPin(SqlInfo info, SharedLog shared, Connection physical) {
        Command c = info.command();
        Command.Insert insert = c instanceof Command.Insert i ? i : c instanceof Command.Upsert u ? u.insert() : null;
        if (insert == null || insert.table() == null || info.multiStatement()) return null;
        try {
            EffectsCatalog.TableInfo t = shared.effects().lookup(physical, insert.table());
            List<String> out = new ArrayList<>();
            for (Map.Entry<String, String> e : t.sequences().entrySet()) {
                if (insert.columns() == null) continue;   // VALUES for every column: no default drawn
                if (!insert.columns().contains(e.getKey()) || usesDefault(insert, e.getKey())) out.add(e.getValue());
            }
            return out.isEmpty() ? null : out;
        } catch (SQLException e) {
            return null;
        }
    }

    private static boolean usesDefault(Command.Insert insert, String column) {
        int idx = insert.columns().indexOf(column);
        if (idx < 0 || insert.rows() == null) return false;
        for (List<Expr> row : insert.rows()) {
            if (idx < row.size() && row.get(idx) instanceof Expr.Default) return true;
        }
        return false;
    }

    /**
     * How many values the statement drew from each sequence: one per row of its VALUES (a default is drawn even for a
     * row that ON CONFLICT then skips), or its update count; 0 when unknown (then nothing is pinned, and
     * {@code currval} is never asked about a sequence this session may not have drawn from, which would abort the
     * application's transaction).
     */
    static long rowsDrawn(SqlInfo info, long[] counts) {
        Command c = info.command();
        Command.Insert insert = c instanceof Command.Insert i ? i : c instanceof Command.Upsert u ? u.insert() : null;
        if (insert != null && insert.rows() != null) return insert.rows().size();
        return counts.length > 0 && counts[0] > 0 && !(c instanceof Command.Upsert) ? counts[0] : 0;
    }
}
