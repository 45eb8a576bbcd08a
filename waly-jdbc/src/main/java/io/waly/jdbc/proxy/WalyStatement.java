package io.waly.jdbc.proxy;

import io.waly.command.Command;
import io.waly.command.Value;
import io.waly.jdbc.capture.ConnectionCapture;
import io.waly.jdbc.capture.Effects;
import io.waly.jdbc.capture.StatementLog;
import io.waly.jdbc.sql.SqlInfo;
import io.waly.jdbc.sql.SqlKind;
import io.waly.log.format.RecordKind;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.rowset.CachedRowSet;
import javax.sql.rowset.RowSetFactory;
import javax.sql.rowset.RowSetProvider;

/**
 * A statement. Every {@code execute*} goes through {@link #run}: reads pass straight through after one cached
 * classification, writes go through the connection's capture, transaction control through its commit/rollback.
 */
public class WalyStatement extends DelegatingStatement {

    /** How a statement reports its update count, read after it ran. */
    @FunctionalInterface
    protected interface Counts<T> {
        long[] of(T result) throws SQLException;
    }

    protected final WalyConnection connection;
    protected final ConnectionCapture capture;
    protected final String sql;   // the prepared SQL; null for a plain Statement
    private List<String> batch;
    private WalyResultSet lastResultSet;
    /** Generated keys WAL-y read for the log, kept for the application when it asked for them too. */
    private ResultSet keysForApplication;
    private boolean keysRead;

    private static RowSetFactory rowSets;

    protected WalyStatement(WalyConnection connection, Statement delegate, String sql) {
        super(delegate);
        this.connection = connection;
        this.capture = connection.capture();
        this.sql = sql;
    }

    /**
     * The one interception point. {@code plain} runs the statement as the application asked; {@code withKeys} runs it
     * with generated keys requested (RETURNING *), for writes whose effects must be recorded; {@code appWantsKeys}
     * says the application asked for generated keys itself.
     */
    protected final <T> T run(SqlInfo info, String text, List<Value> params, int[] types, Work<T> plain, Work<T> withKeys,
                              boolean appWantsKeys, Counts<T> counts) throws SQLException {
        keysRead = false;
        if (info.isRead()) return plain.run();
        if (info.kind().isTransactionControl()) return transactionControl(info, plain);
        if ((info.kind() == SqlKind.COMMIT_PREPARED || info.kind() == SqlKind.ROLLBACK_PREPARED) && capture.decidesPrepared(info.name())) {
            T[] out = newHolder();
            capture.endPrepared(info.kind() == SqlKind.COMMIT_PREPARED, info.name(), () -> out[0] = plain.run());
            return out[0];
        }
        EffectsPlan plan = plan(info, withKeys != null);
        return runWrite(info, text, params, types, plan.table() == null ? plain : withKeys, plan, appWantsKeys, counts);
    }

    /**
     * How a write's effects get into the log: rows from generated keys ({@code table}), or rows read back and sequences
     * pinned after it ran ({@code pin}). Decided per execution for a plain statement (its SQL changes), once for a
     * prepared one.
     */
    protected record EffectsPlan(io.waly.jdbc.capture.EffectsCatalog.TableInfo table, List<String> pin) {}

    protected final EffectsPlan plan(SqlInfo info, boolean keysPossible) {
        io.waly.jdbc.capture.EffectsCatalog.TableInfo table = null;
        try {
            if (keysPossible) table = Effects.tableNeedingEffects(info, capture.connectionConfig(), capture.shared(), delegate.getConnection());
            List<String> pin = table != null || capture.connectionConfig().captureEffects() == io.waly.jdbc.config.CaptureEffects.NEVER ? null
                    : Effects.sequencesToPin(info, capture.shared(), delegate.getConnection());
            return new EffectsPlan(table, pin);
        } catch (SQLException closed) {
            return new EffectsPlan(table, null);   // the statement itself reports the closed connection
        }
    }

    /** A write through the capture, with its effects recorded as the plan says. */
    protected final <T> T runWrite(SqlInfo info, String text, List<Value> params, int[] types, Work<T> work, EffectsPlan plan,
                                   boolean appWantsKeys, Counts<T> counts) throws SQLException {
        keysRead = false;
        StatementLog st = new StatementLog(info, text, params, types, null, -1);
        io.waly.jdbc.capture.EffectsCatalog.TableInfo effectsOf = plan.table();
        List<String> pin = plan.pin();
        return capture.write(st, () -> {
            T r = work.run();
            long[] c = counts.of(r);
            st.counts(c);
            if (effectsOf != null) readEffects(effectsOf, c, List.of(st), appWantsKeys);
            long rows = pin == null ? 0 : Effects.rowsDrawn(info, c);
            if (rows > 0) {
                // rows are read back inside the statement's transaction only (pin != null asked for one): once
                // committed, another session may already have changed them
                boolean inTransaction = !delegate.getConnection().getAutoCommit();
                List<io.waly.log.payload.Payloads.Effect> images = inTransaction
                        ? Effects.readInsertedRows(delegate.getConnection(), info, capture.shared(), rows) : null;
                if (images == null && inTransaction) images = Effects.readUpsertedRows(delegate.getConnection(), info, capture.shared(), params);
                st.effects(images != null ? images : Effects.readSequences(delegate.getConnection(), pin, rows));
            }
            return r;
        }, pin != null);
    }

    @FunctionalInterface
    protected interface Work<T> extends ConnectionCapture.Work<T> {}


    /** Reads the generated keys into the statements' effects; keeps a copy for the application when it asked. */
    protected final void readEffects(io.waly.jdbc.capture.EffectsCatalog.TableInfo table, long[] counts, List<StatementLog> statements, boolean appWantsKeys)
            throws SQLException {
        ResultSet keys = delegate.getGeneratedKeys();
        if (appWantsKeys) {
            CachedRowSet copy = rowSetFactory().createCachedRowSet();
            copy.populate(keys);
            copy.beforeFirst();
            List<List<io.waly.log.payload.Payloads.Effect>> effects = Effects.read(copy, table, counts);
            for (int i = 0; i < statements.size(); i++) statements.get(i).effects(effects.get(i));
            copy.beforeFirst();
            keysForApplication = copy;
        } else {
            List<List<io.waly.log.payload.Payloads.Effect>> effects = Effects.read(keys, table, counts);
            for (int i = 0; i < statements.size(); i++) statements.get(i).effects(effects.get(i));
            keysForApplication = null;
        }
        keysRead = true;
        List<String> named = statements.get(0).info().drawnSequences();
        if (!named.isEmpty()) statements.get(statements.size() - 1).addEffects(Effects.readSequenceValues(delegate.getConnection(), named));
    }

    private static synchronized RowSetFactory rowSetFactory() throws SQLException {
        if (rowSets == null) rowSets = RowSetProvider.newFactory();
        return rowSets;
    }

    private <T> T transactionControl(SqlInfo info, Work<T> work) throws SQLException {
        switch (info.kind()) {
            case BEGIN -> {
                T[] out = newHolder();
                capture.sqlBegin(() -> out[0] = work.run());
                return out[0];
            }
            case COMMIT -> {
                T[] out = newHolder();
                capture.commit(() -> out[0] = work.run());
                return out[0];
            }
            case ROLLBACK -> {
                T[] out = newHolder();
                capture.rollback(() -> out[0] = work.run());
                return out[0];
            }
            case SAVEPOINT -> {
                if (!delegate.getConnection().getAutoCommit() || capture.inSqlTransaction()) capture.ensureTransaction();
                T r = work.run();
                capture.savepoint(RecordKind.SAVEPOINT, info.name());
                return r;
            }
            case PREPARE_TRANSACTION -> {
                T[] out = newHolder();
                capture.prepareTransaction(info.name(), () -> out[0] = work.run());
                return out[0];
            }
            case RELEASE, ROLLBACK_TO -> {
                T r = work.run();
                capture.savepoint(info.kind() == SqlKind.RELEASE ? RecordKind.RELEASE : RecordKind.ROLLBACK_TO,
                        info.name());
                return r;
            }
            default -> {
                return work.run();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T[] newHolder() {
        return (T[]) new Object[1];
    }

    private long[] updateCount() throws SQLException {
        return new long[] {delegate.getLargeUpdateCount()};
    }

    private SqlInfo classify(String text) {
        return connection.classify(text);
    }

    // ---------------------------------------------------------------- Statement's execute methods

    @Override
    public ResultSet executeQuery(String text) throws SQLException {
        SqlInfo info = classify(text);
        if (info.isRead()) {
            keysRead = false;
            return wrap(delegate.executeQuery(text));
        }
        ResultSet rs = run(info, text, List.of(), null, () -> delegate.executeQuery(text), null, false,
                r -> new long[] {-1});
        return wrap(rs);
    }

    @Override
    public int executeUpdate(String text) throws SQLException {
        SqlInfo info = classify(text);
        if (info.isRead()) {
            keysRead = false;
            return delegate.executeUpdate(text);
        }
        return run(info, text, List.of(), null, () -> delegate.executeUpdate(text),
                () -> delegate.executeUpdate(text, Statement.RETURN_GENERATED_KEYS), false, r -> new long[] {r});
    }

    @Override
    public int executeUpdate(String text, int autoGeneratedKeys) throws SQLException {
        SqlInfo info = classify(text);
        if (info.isRead()) {
            keysRead = false;
            return delegate.executeUpdate(text, autoGeneratedKeys);
        }
        boolean keys = autoGeneratedKeys == Statement.RETURN_GENERATED_KEYS;
        return run(info, text, List.of(), null, () -> delegate.executeUpdate(text, autoGeneratedKeys),
                () -> delegate.executeUpdate(text, Statement.RETURN_GENERATED_KEYS), keys, r -> new long[] {r});
    }

    @Override
    public int executeUpdate(String text, int[] columnIndexes) throws SQLException {
        SqlInfo info = classify(text);
        if (info.isRead()) {
            keysRead = false;
            return delegate.executeUpdate(text, columnIndexes);
        }
        return run(info, text, List.of(), null, () -> delegate.executeUpdate(text, columnIndexes), null, true,
                r -> new long[] {r});
    }

    @Override
    public int executeUpdate(String text, String[] columnNames) throws SQLException {
        SqlInfo info = classify(text);
        if (info.isRead()) {
            keysRead = false;
            return delegate.executeUpdate(text, columnNames);
        }
        return run(info, text, List.of(), null, () -> delegate.executeUpdate(text, columnNames), null, true,
                r -> new long[] {r});
    }

    @Override
    public long executeLargeUpdate(String text) throws SQLException {
        SqlInfo info = classify(text);
        if (info.isRead()) {
            keysRead = false;
            return delegate.executeLargeUpdate(text);
        }
        return run(info, text, List.of(), null, () -> delegate.executeLargeUpdate(text),
                () -> delegate.executeLargeUpdate(text, Statement.RETURN_GENERATED_KEYS), false, r -> new long[] {r});
    }

    @Override
    public long executeLargeUpdate(String text, int autoGeneratedKeys) throws SQLException {
        SqlInfo info = classify(text);
        if (info.isRead()) {
            keysRead = false;
            return delegate.executeLargeUpdate(text, autoGeneratedKeys);
        }
        boolean keys = autoGeneratedKeys == Statement.RETURN_GENERATED_KEYS;
        return run(info, text, List.of(), null, () -> delegate.executeLargeUpdate(text, autoGeneratedKeys),
                () -> delegate.executeLargeUpdate(text, Statement.RETURN_GENERATED_KEYS), keys, r -> new long[] {r});
    }

    @Override
    public long executeLargeUpdate(String text, int[] columnIndexes) throws SQLException {
        SqlInfo info = classify(text);
        if (info.isRead()) {
            keysRead = false;
            return delegate.executeLargeUpdate(text, columnIndexes);
        }
        return run(info, text, List.of(), null, () -> delegate.executeLargeUpdate(text, columnIndexes), null, true,
                r -> new long[] {r});
    }

    @Override
    public long executeLargeUpdate(String text, String[] columnNames) throws SQLException {
        SqlInfo info = classify(text);
        if (info.isRead()) {
            keysRead = false;
            return delegate.executeLargeUpdate(text, columnNames);
        }
        return run(info, text, List.of(), null, () -> delegate.executeLargeUpdate(text, columnNames), null, true,
                r -> new long[] {r});
    }

    @Override
    public boolean execute(String text) throws SQLException {
        SqlInfo info = classify(text);
        if (info.isRead()) {
            keysRead = false;
            return delegate.execute(text);
        }
        return run(info, text, List.of(), null, () -> delegate.execute(text),
                () -> delegate.execute(text, Statement.RETURN_GENERATED_KEYS), false, r -> updateCount());
    }

    @Override
    public boolean execute(String text, int autoGeneratedKeys) throws SQLException {
        SqlInfo info = classify(text);
        if (info.isRead()) {
            keysRead = false;
            return delegate.execute(text, autoGeneratedKeys);
        }
        boolean keys = autoGeneratedKeys == Statement.RETURN_GENERATED_KEYS;
        return run(info, text, List.of(), null, () -> delegate.execute(text, autoGeneratedKeys),
                () -> delegate.execute(text, Statement.RETURN_GENERATED_KEYS), keys, r -> updateCount());
    }

    @Override
    public boolean execute(String text, int[] columnIndexes) throws SQLException {
        SqlInfo info = classify(text);
        if (info.isRead()) {
            keysRead = false;
            return delegate.execute(text, columnIndexes);
        }
        return run(info, text, List.of(), null, () -> delegate.execute(text, columnIndexes), null, true, r -> updateCount());
    }

    @Override
    public boolean execute(String text, String[] columnNames) throws SQLException {
        SqlInfo info = classify(text);
        if (info.isRead()) {
            keysRead = false;
            return delegate.execute(text, columnNames);
        }
        return run(info, text, List.of(), null, () -> delegate.execute(text, columnNames), null, true, r -> updateCount());
    }

    @Override
    public void addBatch(String text) throws SQLException {
        delegate.addBatch(text);
        if (batch == null) batch = new ArrayList<>();
        batch.add(text);
    }

    @Override
    public void clearBatch() throws SQLException {
        delegate.clearBatch();
        if (batch != null) batch.clear();
    }

    @Override
    public int[] executeBatch() throws SQLException {
        return runBatch(() -> delegate.executeBatch(), r -> {
            long[] c = new long[r.length];
            for (int i = 0; i < r.length; i++) c[i] = r[i];
            return c;
        });
    }

    @Override
    public long[] executeLargeBatch() throws SQLException {
        return runBatch(() -> delegate.executeLargeBatch(), r -> r);
    }

    private <T> T runBatch(Work<T> work, Counts<T> counts) throws SQLException {
        List<String> items = batch == null ? List.of() : new ArrayList<>(batch);
        if (batch != null) batch.clear();
        List<StatementLog> logs = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            SqlInfo info = classify(items.get(i));
            if (!info.isRead()) logs.add(new StatementLog(info, items.get(i), List.of(), null, null, i));
        }
        if (logs.isEmpty()) return work.run();
        return capture.writeAll(logs, () -> {
            T r = work.run();
            long[] c = counts.of(r);
            for (StatementLog st : logs) {
                int idx = st.batchIndex();
                st.counts(idx < c.length ? new long[] {c[idx]} : new long[] {-1});
            }
            return r;
        });
    }

    // ---------------------------------------------------------------- results and identity

    protected final ResultSet wrap(ResultSet rs) {
        if (rs == null) return null;
        if (lastResultSet != null && lastResultSet.delegate() == rs) return lastResultSet;
        lastResultSet = new WalyResultSet(this, rs);
        return lastResultSet;
    }

    @Override
    public ResultSet getResultSet() throws SQLException {
        return wrap(delegate.getResultSet());
    }

    @Override
    public ResultSet getGeneratedKeys() throws SQLException {
        if (keysRead) {
            if (keysForApplication != null) return keysForApplication;
            // the application did not ask for keys; pgjdbc would give it an empty result
            CachedRowSet empty = rowSetFactory().createCachedRowSet();
            return empty;
        }
        return wrap(delegate.getGeneratedKeys());
    }

    @Override
    public Connection getConnection() throws SQLException {
        delegate.getConnection();   // throws as pgjdbc does when closed
        return connection;
    }



    @Override
    public String toString() {
        return delegate.toString();
    }
}
