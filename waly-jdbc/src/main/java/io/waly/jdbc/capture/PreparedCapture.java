package io.waly.jdbc.capture;

import io.waly.command.Command;
import io.waly.command.Value;
import io.waly.jdbc.sql.SqlInfo;
import io.waly.jdbc.sql.SqlKind;
import io.waly.jdbc.versions.LiveVersion;
import io.waly.log.payload.Payloads;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The one hook of a prepared (or callable) statement: classified once, when prepared, so that a read's setters and
 * executions cost one null check each; a write's bound parameters are recorded in {@link #parameters()} as the
 * application binds them and logged with the statement at each {@link #execute}, each batch element's at
 * {@link #executeBatch}. Driver-internal.
 */
public final class PreparedCapture extends StatementCapture {

    /** Prepares the statement through pgjdbc; {@code withKeys}: with generated keys requested instead of as asked. */
    @FunctionalInterface
    public interface Preparer {
        PreparedStatement prepare(boolean withKeys) throws SQLException;
    }

    /** One execution, as the application called it. */
    @FunctionalInterface
    public interface PreparedCall<T> {
        T run(PreparedStatement statement) throws SQLException;
    }

    /** The calls whose answer is an update count: a write may answer them from its twin ({@link #twin}). */
    public static final PreparedCall<Integer> EXECUTE_UPDATE = PreparedStatement::executeUpdate;
    public static final PreparedCall<Long> EXECUTE_LARGE_UPDATE = PreparedStatement::executeLargeUpdate;
    public static final PreparedCall<Boolean> EXECUTE = PreparedStatement::execute;

    private final PreparedStatement statement;
    private final SqlInfo info;
    private final String sql;
    private final Keys keys;
    /** The table whose rows its generated keys return, decided when prepared (pgjdbc fixes RETURNING then); or null. */
    private final EffectsCatalog.TableInfo effectsTable;
    private EffectsPlan plan;
    /** Null for reads: nothing to record. */
    private final Parameters params;
    private List<Parameters.Bound> batch;
    /** For a statement WAL-y sends in another version's application's stead: its statement and the versions. */
    private StatementLog original;
    private String from;
    private String to;

    /**
     * The twin of a write prepared while the connection's transaction has no txid yet: pgjdbc's statement for
     * {@link TxidAhead#SQL} and the write's own text, bound with every value the application binds
     * ({@code ParameterRecordingStatement}; a stream, a reader or a LOB drops it). When the write is the transaction's
     * first it runs in the statement's stead, and the application reads the write's results from it
     * ({@link #resultsOf}). It is prepared on the server as the application's statement would be (its prepare
     * threshold), so that the write keeps a cached plan; the application's {@code pg_prepared_statements} then shows it
     * (measured: unnamed, PostgreSQL's parsing and planning of the write at every transaction ate what the round trip
     * saved). Null when there is none.
     */
    private PreparedStatement twin;
    private StatementCapture twinResults;

    private PreparedCapture(ConnectionCapture capture, PreparedStatement statement, SqlInfo info, String sql, Keys keys,
                            EffectsCatalog.TableInfo effectsTable) {
        super(capture, statement);
        this.statement = statement;
        this.info = info;
        this.sql = sql;
        this.keys = keys;
        this.effectsTable = effectsTable;
        this.params = info.isRead() ? null : new Parameters();
    }

    /**
     * Classifies {@code sql} and prepares it through pgjdbc. A write whose effects must be recorded (invariant 7) is
     * prepared with generated keys requested, because pgjdbc fixes that at prepare time; the statement still answers
     * as the application asked. Not on a connection that rewrites batched inserts, unless the application asked for
     * keys: pgjdbc would then stop rewriting its batches (WAL-y pins the sequences instead).
     */
    public static PreparedCapture prepare(ConnectionCapture capture, Connection physical, String sql, Keys keys, Preparer preparer)
            throws SQLException {
        SqlInfo info = capture.classify(sql);
        EffectsCatalog.TableInfo effects = null;
        boolean rewritable = capture.rewritesBatches() && !keys.appWants
                && (info.command() instanceof Command.Insert || info.command() instanceof Command.Upsert);
        if (!info.isRead() && keys.walyMayAsk && !rewritable) {
            effects = EffectsPlan.tableNeedingEffects(capture, info, physical);
        }
        PreparedCapture prepared = new PreparedCapture(capture, preparer.prepare(effects != null), info, sql, keys, effects);
        if (effects == null && keys == Keys.NOT_ASKED && capture.mayAskTxidAhead(info)) {
            prepared.twin = physical.prepareStatement(TxidAhead.SQL + sql);
            prepared.twinResults = new StatementCapture(capture, prepared.twin);
        }
        return prepared;
    }

    /** The twin that may carry the txid ahead of this write ({@link #twin}); null when there is none. */
    public PreparedStatement twin() {
        return twin;
    }

    /** The application bound a value the twin cannot take the same way: it is closed, and never used. */
    public void dropTwin() {
        closeTwin();
    }

    /** The application closes its statement: the twin goes with it. */
    public void closed() {
        closeTwin();
    }

    private void closeTwin() {
        if (twin == null) return;
        if (answered == twinResults) answered = null;
        try {
            twin.close();
        } catch (SQLException ignored) {
            // pgjdbc's statements close with the connection anyway
        }
        twin = null;
        twinResults = null;
    }

    /**
     * Runs the write as the application called it: through its twin when it is the transaction's first and the call's
     * answer is a count, so that the txid comes back in the same round trip ({@link TxidAhead}).
     */
    @SuppressWarnings("unchecked")
    private <T> T run(PreparedCall<T> call) throws SQLException {
        TxidAhead ahead = TxidAhead.of(call);
        if (twin == null || ahead == null || !capture.wantsTxidNow()) return call.run(statement);
        statement.clearWarnings();   // as pgjdbc clears them when a statement executes
        twin.setQueryTimeout(statement.getQueryTimeout());
        // prepared on the server when pgjdbc would prepare the application's statement (never, behind a pooler in
        // transaction mode): the write then keeps its cached plan, as it would without WAL-y
        int threshold = statement.unwrap(org.postgresql.PGStatement.class).getPrepareThreshold();
        twin.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(threshold);
        try {
            twin.execute();
        } finally {
            // the write's notices, a trigger's RAISE NOTICE, are the application's statement's, failed or not
            java.sql.SQLWarning notices = twin.getWarnings();
            if (notices != null) statement.unwrap(org.postgresql.jdbc.PgStatement.class).addWarning(notices);
        }
        answered = twinResults;
        return (T) ahead.answer(twin, capture);
    }

    @Override
    public PreparedStatement statement() {
        return statement;
    }

    /** Where the setters record a write's parameters; null for a read, whose setters record nothing. */
    public Parameters parameters() {
        return params;
    }

    /** Runs one execution with the parameters bound now. */
    public <T> T execute(PreparedCall<T> call) throws SQLException {
        answered = null;
        boolean versioned = capture.live() != null && original == null;   // a statement WAL-y sends is mapped already
        if (versioned) capture.followVersion();
        if (params == null) return call.run(statement);
        List<Value> values = params.values();
        int[] types = params.types();
        if (info.kind().isTransactionControl()) return transactionControl(info, () -> call.run(statement));
        if (decidesPrepared(info)) return endPrepared(info, () -> call.run(statement));
        LiveVersion.Sent mapped = versioned ? capture.mapped(info, sql, values) : null;
        if (mapped != null) return executeMapped(mapped, new StatementLog(info, sql, values, types, null, -1), call);
        if (info.explicitCall() != null) {
            return capture.call(info, values, () -> {
                try (PreparedStatement noResults = statement.getConnection().prepareStatement(NO_RESULTS)) {
                    return call.run(noResults);
                }
            });
        }
        StatementLog st = new StatementLog(info, sql, values, types, null, -1);
        if (original != null) st.mappedFrom(original, from, to);
        return write(st, plan(), keys, () -> run(call));
    }

    /**
     * A write of another version's, in the database's version: prepared through pgjdbc as a statement of its own (its
     * values inline), logged after a MAPPED record of {@code original}, and run as the application called; the
     * application then reads its results ({@link #resultsOf}). The last one is kept until the next execution.
     */
    private <T> T executeMapped(LiveVersion.Sent mapped, StatementLog original, PreparedCall<T> call) throws SQLException {
        Connection physical = statement.getConnection();
        closeSent();
        PreparedCapture sent = prepare(capture, physical, mapped.sql(), keys, withKeys -> withKeys || keys.appWants
                ? physical.prepareStatement(mapped.sql(), java.sql.Statement.RETURN_GENERATED_KEYS)
                : physical.prepareStatement(mapped.sql()));
        sent.original = original;
        sent.from = mapped.from().name();
        sent.to = mapped.to().name();
        answered = sent;
        return sent.execute(call);
    }

    private void closeSent() {
        if (answered == null || answered == twinResults) return;
        try {
            answered.statement().close();
        } catch (SQLException ignored) {
            // pgjdbc closes it with the connection anyway
        }
        answered = null;
    }

    /** The effects plan of this statement's SQL, decided at its first execution and kept (it was prepared for it). */
    private EffectsPlan plan() {
        if (plan == null) {
            plan = effectsTable != null ? new EffectsPlan(effectsTable, null)
                    : EffectsPlan.of(capture, info, false, statement);
        }
        return plan;
    }

    /** {@code addBatch()}: the parameters bound now become a batch element. */
    public void addBatch() {
        if (params == null) return;
        if (batch == null) batch = new ArrayList<>();
        batch.add(params.bound());
    }

    @Override
    public void clearBatch() {
        if (batch != null) batch.clear();
    }

    /**
     * Runs the batch: every element logged with its parameters, in order, before the batch is sent; after it, each
     * element's rows — from generated keys, read back by their keys, or failing that the sequences pinned before the
     * batch's first element.
     */
    public <T> T executeBatch(PreparedCall<T> call) throws SQLException {
        if (params == null) return call.run(statement);
        List<Parameters.Bound> items = batch == null ? List.of() : new ArrayList<>(batch);
        if (batch != null) batch.clear();
        if (items.isEmpty()) return call.run(statement);
        if (info.kind().isTransactionControl()) {
            // BEGIN, COMMIT or ROLLBACK twice is once and a warning; a savepoint twice is two, which the log would not say
            if (items.size() > 1 && !(info.kind() == SqlKind.BEGIN || info.kind() == SqlKind.COMMIT || info.kind() == SqlKind.ROLLBACK)) {
                throw new java.sql.SQLFeatureNotSupportedException("WAL-y runs " + sql + " on its own, not "
                        + items.size() + " times in one batch: execute it once per savepoint", "0A000");
            }
            return transactionControl(info, () -> call.run(statement));
        }
        if (info.explicitCall() != null) throw callInBatch();
        refuseMappedInBatch(info, sql);
        List<StatementLog> logs = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) logs.add(new StatementLog(info, sql, items.get(i).values(), items.get(i).types(), null, i));
        List<String> pin = plan().pin();
        return capture.writeAll(logs, () -> {
            T r = call.run(statement);
            long[] c = countsOf(r);
            for (int i = 0; i < logs.size(); i++) logs.get(i).counts(i < c.length ? new long[] {c[i]} : new long[] {-1});
            Connection physical = statement.getConnection();
            if (effectsTable != null) readKeys(effectsTable, c, logs, keys.appWants);
            if (effectsTable == null && pin == null && !physical.getAutoCommit()) {
                List<List<Value>> perElementParams = new ArrayList<>(items.size());
                for (Parameters.Bound p : items) perElementParams.add(p.values());
                List<Payloads.Effect> rows = Effects.readBatchRowsByKey(physical, info, capture, perElementParams);
                if (rows != null) for (int i = 0; i < logs.size(); i++) logs.get(i).effects(List.of(rows.get(i)));
            }
            long perElement = pin == null ? 0 : EffectsPlan.rowsDrawn(info, new long[] {-1});
            if (perElement > 0) {
                // The batch's rows, read back by their keys, one per element in the order they drew them; failing
                // that, replay pins the sequences before the batch's first element.
                List<Payloads.Effect> images = perElement == 1 && !physical.getAutoCommit()
                        ? Effects.readInsertedRows(physical, info, capture, logs.size())
                        : null;
                if (images != null) {
                    Payloads.Effect all = images.get(0);
                    for (int i = 0; i < logs.size(); i++) {
                        logs.get(i).effects(List.of(new Payloads.Effect(all.kind(), all.target(), all.columns(), List.of(all.rows().get(i)))));
                    }
                } else {
                    logs.get(0).effects(Effects.readSequences(physical, pin, perElement * logs.size()));
                }
            }
            return r;
        });
    }
}
