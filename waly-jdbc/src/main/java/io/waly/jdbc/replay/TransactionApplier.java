package io.waly.jdbc.replay;

import io.waly.command.Command;
import io.waly.command.Value;
import io.waly.jdbc.sql.CommandParser;
import io.waly.jdbc.sql.SqlClassifier;
import io.waly.jdbc.sql.CreateTableAs;
import io.waly.jdbc.sql.LargeObjectCalls;
import io.waly.jdbc.sql.SqlKind;
import io.waly.jdbc.values.JdbcValues;
import io.waly.log.payload.Payloads;
import io.waly.log.replay.ReplayException;
import io.waly.log.replay.ReplaySummary;
import io.waly.log.tx.Transaction;
import java.io.ByteArrayInputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.postgresql.PGConnection;

/**
 * Applies one committed source transaction to the target connection, in its current target transaction: savepoints
 * in place, statements as the application sent them (its SQL, its bound parameters) — or, where the log recorded the
 * rows a statement changed, those rows ({@link RowImages}) — with the source connection's session around them
 * ({@link SessionTracker}) and the sequences where the source's stood ({@link SequenceSync}).
 */
final class TransactionApplier {

    private final Connection target;
    private final TargetCatalog catalog;
    private final StatementBatch batch;
    private final SessionTracker sessions = new SessionTracker();
    private final SequenceSync sequences;
    private final MultiRowInserts inserts = new MultiRowInserts();
    private final SqlClassifier classifier = new SqlClassifier(new CommandParser());

    TransactionApplier(Connection target) {
        this.target = target;
        this.catalog = new TargetCatalog(target);
        this.batch = new StatementBatch(target);
        this.sequences = new SequenceSync(target);
    }

    /** The target's tables as this applier knows them (invalidated by the DDL it applies). */
    TargetCatalog catalog() {
        return catalog;
    }

    /** An autocommitted statement PostgreSQL ran outside a transaction block (VACUUM, SET, CALL, …): so it runs here. */
    boolean isNonTransactional(Transaction tx) {
        if (!tx.autocommit() || tx.steps().size() != 1 || !(tx.steps().get(0) instanceof Transaction.StatementStep st)) return false;
        return classifier.classify(st.statement().sql()).kind().runsOutsideTransaction();
    }

    /** True when the transaction holds anything but plain DML (DDL, SET, DO, CALL, …): it ends a group. */
    static boolean changesSchema(Transaction tx) {
        for (Transaction.Step step : tx.steps()) {
            if (step instanceof Transaction.StatementStep st) {
                Command c = st.statement().command();
                if (!(c instanceof Command.Insert || c instanceof Command.Upsert || c instanceof Command.Update
                        || c instanceof Command.Delete || c instanceof Command.Merge || c instanceof Command.Copy)) {
                    return true;
                }
            }
        }
        return false;
    }

    void apply(Transaction tx, ReplaySummary summary) throws ReplayException, SQLException {
        if (sessions.needsSwitch(tx)) {
            boolean temporaries = sessions.movesTemporaries(tx);
            // sequences moved while a connection's temporary ones still stand under their names; otherwise they wait for
            // the group's end, where one move covers many transactions
            if (temporaries) settle();
            else flush();
            sessions.switchTo(target, tx);
            inserts.invalidate();
            if (temporaries) sequences.invalidate();   // the same name may now be another connection's temporary sequence
        }
        for (Transaction.Step step : tx.steps()) {
            if (step instanceof Transaction.SavepointStep sp) {
                String name = TargetCatalog.quote(sp.name());
                String sql = switch (sp.kind()) {
                    case SAVEPOINT -> "SAVEPOINT " + name;
                    case RELEASE -> "RELEASE SAVEPOINT " + name;
                    default -> "ROLLBACK TO SAVEPOINT " + name;
                };
                run(sp.seq(), sql, null, () -> {
                    try (Statement s = target.createStatement()) {
                        s.execute(sql);
                    }
                });
                continue;
            }
            Transaction.StatementStep st = (Transaction.StatementStep) step;
            if (!st.succeeded()) {
                if (isNonTransactional(tx) && classifier.classify(st.statement().sql()).keepsWorkOnFailure()) {
                    rerunFailedButKept(st);
                    summary.statements++;
                } else {
                    summary.failedOnSource++;
                }
                continue;
            }
            applyStatement(tx, st, summary);
            summary.statements++;
        }
        sequences.noteStates(tx.sequenceStates());
    }

    /** Applies one statement; then its sequences stand where the source's stood after it. */
    private void applyStatement(Transaction tx, Transaction.StatementStep st, ReplaySummary summary)
            throws ReplayException, SQLException {
        applyOrRerun(tx, st, summary);
        if (st.outcome() != null) sequences.noteStates(st.outcome().effects());
    }

    private void applyOrRerun(Transaction tx, Transaction.StatementStep st, ReplaySummary summary)
            throws ReplayException, SQLException {
        Payloads.Statement s = st.statement();
        Command cmd = s.command();
        // COMMIT/ROLLBACK PREPARED logged as statements (their transaction was prepared outside the log's view)
        SqlKind kind = cmd instanceof Command.Sql ? classifier.classify(s.sql()).kind() : null;
        if (kind == SqlKind.ROLLBACK_PREPARED) return;   // its transaction never reached this log as committed
        if (kind == SqlKind.COMMIT_PREPARED) {
            throw new ReplayException(ReplayException.Kind.STATEMENT_FAILED, "statement " + st.seq() + " commits a transaction "
                    + "prepared outside this log's view (by another process, or before the application restarted): its writes "
                    + "are not in the log as that transaction's, so replay cannot apply them\n  SQL: " + abbreviate(s.sql()), st.seq(), null);
        }
        if (cmd instanceof Command.Ddl) {
            catalog.invalidate();
            sequences.invalidate();
        }
        if (cmd instanceof Command.Ddl || cmd instanceof Command.Sql) sessions.noteDdl(s.sql());
        if (cmd instanceof Command.Ddl || cmd instanceof Command.Sql || cmd instanceof Command.Setting) inserts.invalidate();
        if (SessionTracker.leftOut(cmd)) return;
        Payloads.Effect rows = rowsEffect(st.outcome());
        if (rows != null && cmd instanceof Command.Ddl.CreateTable ct && ct.query() != null) {
            createFilled(st, CreateTableAs.withNoData(s.sql()), ct.table(), rows, summary);
            return;
        }
        CreateTableAs.SelectInto into = rows != null && cmd instanceof Command.Sql ? CreateTableAs.selectInto(s.sql()) : null;
        if (into != null) {
            createFilled(st, into.createEmpty(), into.table(), rows, summary);
            return;
        }
        if (rows != null && applyImages(st, cmd, rows, effect(st.outcome(), Payloads.Effect.OLD_ROWS), summary)) return;
        if (st.changedNoRow() && countsAreRows(cmd)) return;
        boolean joinsBatch = s.copyData() == null && s.prepared() && batchable(cmd) && !SessionTracker.changesSession(cmd);
        if (!joinsBatch || sequences.hasWork(st.outcome())) {
            // what moves sequences or runs on its own goes after everything before it
            flush();
            sequences.sync();
            sequences.pin(st.outcome());
        }
        if (s.copyData() != null) {
            run(st.seq(), s.sql(), st, () -> {
                try {
                    target.unwrap(PGConnection.class).getCopyAPI().copyIn(s.sql(), new ByteArrayInputStream(s.copyData()));
                } catch (java.io.IOException e) {
                    throw new SQLException("COPY data could not be sent: " + e.getMessage(), io.waly.jdbc.WalyState.IO_ERROR.getState(), e);
                }
            });
            return;
        }
        if (SessionTracker.changesSession(cmd)) sessions.track(tx.connection(), s.sql());
        if (cmd instanceof Command.Sql q && "DISCARD".equals(q.kind()) && sessions.discardsOthers(s.sql())) {
            run(st.seq(), s.sql(), st, () -> sessions.discardOwn(target, s.sql()));
            return;
        }
        String sql = withLargeObjectOid(s.sql(), st.outcome());
        if (!s.prepared()) {
            run(st.seq(), sql, st, () -> {
                try (Statement stmt = target.createStatement()) {
                    stmt.execute(sql);
                }
            });
            return;
        }
        if (batchable(cmd)) {
            add(new StatementBatch.Origin(st.seq(), s.sql()), sql, inserts.ofStatement(sql, cmd, s.params().size(), catalog::table),
                    (ps, first) -> bind(ps, first, s));
            return;
        }
        run(st.seq(), sql, st, () -> {
            PreparedStatement ps = batch.prepared(sql);
            bind(ps, s);
            ps.execute();
            while (ps.getMoreResults() || ps.getUpdateCount() != -1) { /* drain */ }
        });
    }

    /**
     * Applies the rows a statement produced instead of re-running it; false when the table cannot take them (unknown
     * on the target, or no key to find its rows by), and the statement is run instead.
     */
    private boolean applyImages(Transaction.StatementStep st, Command cmd, Payloads.Effect rows, Payloads.Effect old,
                                ReplaySummary summary) throws ReplayException, SQLException {
        TargetCatalog.TableShape t = catalog.table(rows.target());
        return t != null && applyImages(st, t, cmd, rows, old, summary);
    }

    private boolean applyImages(Transaction.StatementStep st, TargetCatalog.TableShape t, Command cmd, Payloads.Effect rows,
                                Payloads.Effect old, ReplaySummary summary) throws ReplayException, SQLException {
        boolean only = (cmd instanceof Command.Update || cmd instanceof Command.Delete)
                && CommandParser.writesTableOnly(st.statement().sql());
        RowImages.Plan plan = RowImages.plan(t, cmd, rows, old, only);
        if (plan == null) return false;
        Command.Insert insert = cmd instanceof Command.Insert i ? i : cmd instanceof Command.Upsert u ? u.insert() : null;
        if (insert != null) sequences.noteImages(t, rows, insert, overridesUserValue(st.statement().sql()));
        StatementBatch.Origin origin = new StatementBatch.Origin(st.seq(), st.statement().sql());
        MultiRowInserts.Shape together = insert != null && !(cmd instanceof Command.Upsert)
                ? inserts.ofImage(plan.sql(), plan.bindOrder().size(), t) : null;
        for (int i = 0; i < rows.rows().size(); i++) {
            List<Value> row = RowImages.joined(rows, old, i, cmd);
            add(origin, plan.sql(), together, (ps, first) -> RowImages.bind(target, ps, first, plan, row));
        }
        summary.rowsFromImages += rows.rows().size();
        return true;
    }

    /**
     * {@code CREATE TABLE … AS} or {@code SELECT … INTO} of volatile values, logged with the rows it made: the table is
     * created empty by the same statement ({@code empty}: as a {@code CREATE TABLE … AS … WITH NO DATA}), then those rows
     * are inserted, so {@code now()} or {@code random()} in its query give the source's values, not the replay's.
     */
    private void createFilled(Transaction.StatementStep st, String empty, Command.Table table, Payloads.Effect rows,
                              ReplaySummary summary) throws ReplayException, SQLException {
        Payloads.Statement s = st.statement();
        run(st.seq(), empty, st, () -> {
            if (s.prepared() && !s.params().isEmpty()) {
                try (PreparedStatement ps = target.prepareStatement(empty)) {
                    bind(ps, s);
                    ps.execute();
                }
            } else {
                try (Statement stmt = target.createStatement()) {
                    stmt.execute(empty);
                }
            }
        });
        catalog.invalidate();
        if (rows.rows().isEmpty()) return;
        // found by the statement's own name, as it was created: a temporary table's logged schema is the source session's
        TargetCatalog.TableShape t = catalog.table(table);
        if (t == null || !applyImages(st, t, new Command.Insert(table, rows.columns(), null, null, null), rows, null, summary)) {
            throw new ReplayException(ReplayException.Kind.STATEMENT_FAILED, "statement " + st.seq() + " created "
                    + rows.target() + " with " + rows.rows().size() + " rows on the source, but the target has no such table "
                    + "after it\n  SQL: " + abbreviate(empty), st.seq(), null);
        }
    }

    /**
     * An autocommitted statement that failed on the source but left work behind (a CALL or DO that committed part of
     * its work, an index built CONCURRENTLY left invalid; the log ends it committed, reason "routine-failed"): run
     * again, it must leave the same and fail the same way.
     */
    private void rerunFailedButKept(Transaction.StatementStep st) throws ReplayException, SQLException {
        flush();
        Payloads.Statement s = st.statement();
        String expected = st.outcome() == null ? null : st.outcome().sqlState();
        try {
            if (s.prepared()) {
                PreparedStatement ps = batch.prepared(s.sql());
                bind(ps, s);
                ps.execute();
            } else {
                try (Statement stmt = target.createStatement()) {
                    stmt.execute(s.sql());
                }
            }
        } catch (SQLException e) {
            if (Objects.equals(e.getSQLState(), expected)) return;
            throw new ReplayException(ReplayException.Kind.STATEMENT_FAILED, "statement " + st.seq() + " failed on the source "
                    + "(SQLState " + expected + ") and on the target otherwise: " + e.getMessage() + " [SQLState " + e.getSQLState()
                    + "]\n  SQL: " + abbreviate(s.sql()) + "\nWhat it committed inside before failing stays on the target; compare "
                    + "the tables before going on.", st.seq(), e);
        }
        throw new ReplayException(ReplayException.Kind.STATEMENT_FAILED, "statement " + st.seq() + " failed on the source "
                + "(SQLState " + expected + ") but succeeded on the target, which now holds what the source's run did not commit"
                + "\n  SQL: " + abbreviate(s.sql()), st.seq(), null);
    }

    /**
     * A statement whose call created a large object under an OID the server chose, run with that OID given, so the
     * object gets the source's OID and later statements naming it find it ({@link LargeObjectCalls}).
     */
    private static String withLargeObjectOid(String sql, Payloads.Outcome outcome) {
        Payloads.Effect lo = effect(outcome, Payloads.Effect.LARGE_OBJECT);
        if (lo == null || lo.rows().isEmpty() || !(lo.rows().get(0).get(0).value() instanceof Number oid)) return sql;
        String given = LargeObjectCalls.withOid(sql, oid.longValue());
        return given != null ? given : sql;
    }

    /**
     * True when the statement's table counts exactly the rows its statements change (no view, no rule doing work it does
     * not count): an UPDATE or DELETE that counted none there changed nothing and is not run ({@code changedNoRow}).
     */
    private boolean countsAreRows(Command cmd) throws SQLException {
        Command.Table table = cmd instanceof Command.Update u ? u.table() : cmd instanceof Command.Delete d ? d.table() : null;
        TargetCatalog.TableShape t = table == null ? null : catalog.table(table);
        return t != null && t.plain();
    }

    /** {@code INSERT … OVERRIDING USER VALUE}: identity columns draw from their sequences whatever the statement gives. */
    private static boolean overridesUserValue(String sql) {
        if (!sql.toLowerCase(java.util.Locale.ROOT).contains("overriding")) return false;   // the cheap test first
        List<io.waly.jdbc.sql.SqlLexer.Token> tokens = io.waly.jdbc.sql.SqlLexer.tokenize(sql);
        for (int i = 0; i + 1 < tokens.size(); i++) {
            if (tokens.get(i).is("overriding") && tokens.get(i + 1).is("user")) return true;
        }
        return false;
    }

    /** Binds a logged statement's parameters with the JDBC types they were bound with on the source. */
    private void bind(PreparedStatement ps, Payloads.Statement s) throws SQLException {
        bind(ps, 1, s);
    }

    /** … from placeholder {@code first} on (rows that share a multi-row INSERT). */
    private void bind(PreparedStatement ps, int first, Payloads.Statement s) throws SQLException {
        List<Value> params = s.params();
        int[] types = s.jdbcTypes();
        for (int i = 0; i < params.size(); i++) {
            JdbcValues.bind(target, ps, first + i, params.get(i), types != null && i < types.length ? types[i] : 0);
        }
    }

    /** A write that returns no rows: it can go in a JDBC batch. */
    private static boolean batchable(Command c) {
        if (c instanceof Command.Insert i) return i.returning() == null;
        if (c instanceof Command.Upsert u) return u.insert().returning() == null;
        if (c instanceof Command.Update u) return u.returning() == null;
        if (c instanceof Command.Delete d) return d.returning() == null;
        return false;
    }

    private static Payloads.Effect rowsEffect(Payloads.Outcome o) {
        return effect(o, Payloads.Effect.ROWS);
    }

    private static Payloads.Effect effect(Payloads.Outcome o, String kind) {
        if (o == null || o.effects() == null) return null;
        for (Payloads.Effect e : o.effects()) if (kind.equals(e.kind())) return e;
        return null;
    }

    // ---------------------------------------------------------------- sending, and failing

    @FunctionalInterface
    private interface Action {
        void run() throws SQLException;
    }

    private void add(StatementBatch.Origin origin, String sql, MultiRowInserts.Shape rows, StatementBatch.Binder binder)
            throws ReplayException, SQLException {
        try {
            batch.add(origin, sql, rows, binder);
        } catch (StatementBatch.Failure f) {
            throw failed(f.origin.seq(), f.origin.sourceSql(), null, f.sqlException());
        }
    }

    /** Sends what waits in the batch. */
    void flush() throws ReplayException, SQLException {
        try {
            batch.flush();
        } catch (StatementBatch.Failure f) {
            throw failed(f.origin.seq(), f.origin.sourceSql(), null, f.sqlException());
        }
    }

    /** Sends what waits, and moves sequences past the rows applied: the target is promotable at a commit. */
    void settle() throws ReplayException, SQLException {
        flush();
        sequences.sync();
    }

    private void run(long seq, String sql, Transaction.StatementStep st, Action action) throws ReplayException, SQLException {
        flush();
        try {
            action.run();
        } catch (SQLException e) {
            throw failed(seq, sql, st, e);
        }
    }

    /** A statement failed on the target: the target transaction is rolled back, and replay stops there. */
    private ReplayException failed(long seq, String sql, Transaction.StatementStep st, SQLException e) throws SQLException {
        batch.clear();
        sequences.forget();
        if (!target.getAutoCommit()) target.rollback();
        sessions.forget();
        String source = st == null || st.outcome() == null ? "succeeded"
                : "succeeded" + (st.outcome().counts() != null ? " (counts " + Arrays.toString(st.outcome().counts()) + ")" : "");
        return new ReplayException(ReplayException.Kind.STATEMENT_FAILED, "statement " + seq + " failed on the target although it "
                + source + " on the source: " + e.getMessage() + " [SQLState " + e.getSQLState() + "]\n  SQL: " + abbreviate(sql)
                + "\nNothing of its transaction was applied; the cursor stays before it.", seq, e);
    }

    static String abbreviate(String s) {
        return s.length() <= 500 ? s : s.substring(0, 500) + "… (" + s.length() + " characters)";
    }
}
