package io.waly.jdbc.capture;

import io.waly.command.Value;
import io.waly.jdbc.TxidStatus;
import io.waly.jdbc.WalySQLException;
import io.waly.jdbc.WalyState;
import io.waly.jdbc.commands.CommandCall;
import io.waly.jdbc.commands.CommandLog;
import io.waly.jdbc.config.WalyConfig;
import io.waly.jdbc.policy.PolicyGuard;
import io.waly.jdbc.sql.SqlInfo;
import io.waly.jdbc.versions.LiveVersion;
import io.waly.jdbc.versions.MigrationViews;
import io.waly.jdbc.versions.VersionViews;
import io.waly.log.LogException;
import io.waly.log.LogSink;
import io.waly.log.format.RecordKind;
import io.waly.log.payload.Payloads;
import io.waly.log.tx.InDoubtResolver;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.postgresql.PGConnection;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * The write-ahead rule for one connection: every write passes through {@link #write}, every end of a transaction
 * through {@link #commit}/{@link #rollback}. This is the only place that decides what goes to the log and when.
 *
 * <p>Transactions begin in the log lazily, at their first write, with the database's own transaction id
 * ({@code txid_current()}, asked in the same round trip as the session settings the first time) so that a
 * transaction left in doubt by a crash can be decided later by {@code txid_status}. An autocommitted write runs in a
 * transaction of WAL-y's making — BEGIN, the statement, COMMIT — so that its COMMIT record can be durable before the
 * database commits, exactly as for an explicit transaction; pgjdbc sends that BEGIN in the same message as the first
 * query, and the application sees the same results, counts and errors.
 *
 * <p>Not thread-safe, like the connection it belongs to (JDBC connections are used by one thread at a time).
 */
public final class ConnectionCapture {

    /** The database work of one write; runs after the statement is in the log. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws SQLException;
    }

    private final SharedLog shared;
    private final LogSink log;
    private final WalyConfig config;
    private final Connection physical;
    private final BaseConnection base;
    private final int connection;
    private boolean sessionLogged;
    private long txId;          // 0: no transaction in the log
    private long dbTxid = -1;
    private boolean sqlTransaction;   // BEGIN sent as SQL while the application is in autocommit
    /**
     * The log refused a write of the application's open transaction (walyOnLogFailure=fail): what the transaction did
     * before is in the database but its records may not all be in the log, so it must not commit — even once the log
     * takes writes again (a log on Kafka resumes by itself). Its commit rolls it back and says so.
     */
    private boolean lostRecords;
    /** The migration version WAL-y's marker set in the open transaction (its COMMIT record says it); null when none. */
    private String txMigration;
    /** The version of the last history row (Flyway, Liquibase) the open transaction wrote; null when none. */
    private String txHistory;
    private PreparedStatement txidQuery;
    /** See {@link #takeCommitNotices}. */
    private java.sql.SQLWarning commitNotices;
    private final boolean stringsUnspecified;
    /**
     * Whether transactions carry the database's txid (fsync durability only). It costs a round trip per transaction;
     * it buys the exact resolution of a transaction a crash left in doubt. In async and none durability a crash may
     * lose committed transactions' records anyway, so the round trip is not spent: a transaction left in doubt there
     * is reported by replay and decided by the operator (--in-doubt), as the log's specification says.
     */
    private final boolean txidRecorded;
    /** The sequences the open transaction's statements may draw from (insert targets' defaults, nextval('s')). */
    private final java.util.Set<String> txSequences = new java.util.LinkedHashSet<>();
    /** A statement of the open transaction failed, or work was rolled back to a savepoint: draws no row logs. */
    private boolean txDrawsUnlogged;
    /** Insert targets of the open transaction not yet looked up: their sequences are asked only if draws go unlogged. */
    private final java.util.Set<io.waly.command.Command.Table> txTables = new java.util.LinkedHashSet<>();
    private PreparedStatement sequenceQuery;
    private final boolean rewritesBatches;
    /** The model's mutation policies on this connection ({@link PolicyGuard#NONE} without a model). */
    private final PolicyGuard policy;
    /** The model's application commands on this connection ({@link CommandLog#NONE} without any). */
    private final CommandLog commands;
    /** Whether this connection's role may read back the rows WAL-y would log. */
    private final ReadRights rights;
    /** The application's connection (WAL-y's proxy): a called command's body runs through it. */
    private Connection facade;
    /** The connection's place in the model's schema versions; null when none places it (nothing is mapped). */
    private final LiveVersion live;
    /** Drops the views of newer versions before DDL on a versioned table; null when the model declares no versions. */
    private final MigrationViews migrationViews;
    /** The open transaction dropped views ({@link MigrationViews}): its commit tells the connections that use views. */
    private boolean txDroppedViews;

    public ConnectionCapture(SharedLog shared, WalyConfig config, Connection physical) throws SQLException {
        this.shared = shared;
        this.log = shared.sink();
        this.config = config;
        this.physical = physical;
        this.base = physical.unwrap(BaseConnection.class);
        this.connection = shared.newConnectionId();
        this.stringsUnspecified = !base.getStringVarcharFlag();
        this.txidRecorded = config.durability() == io.waly.log.Durability.FSYNC;
        this.rewritesBatches = base.getQueryExecutor().isReWriteBatchedInsertsEnabled();
        this.policy = PolicyGuard.of(config, physical, log, connection, () -> txId, this::knownColumnTypes);
        this.commands = CommandLog.of(config, connection);
        this.rights = new ReadRights(physical, shared.effects());
        this.live = LiveVersion.of(config.model(), config.appVersion(), shared.migrations()::current, () -> txId);
        this.migrationViews = MigrationViews.of(config.model(), shared.migrations()::current);
        if (live != null) {
            readMigrationVersion();
            live.enterViews(physical, base.getTransactionState() == TransactionState.IDLE);
        }
    }

    /**
     * The connection's schema version against the database's, when the model places it: an older (newer)
     * application's writes are mapped up (down) and it reads through its version's views ({@link LiveVersion}); null
     * otherwise.
     */
    public LiveVersion live() {
        return live;
    }

    /**
     * The statement to send in the stead of an application of another version ({@link LiveVersion#map}); null when it
     * goes as sent. One that cannot be mapped is refused, and inside a transaction leaves it aborted as a failed
     * statement would.
     */
    LiveVersion.Sent mapped(SqlInfo info, String sql, List<Value> params) throws SQLException {
        try {
            return live.map(info, sql, params, physical);
        } catch (WalySQLException e) {
            if (!physical.getAutoCommit() || sqlTransaction) {
                FailedStatement.abort(physical, e.getSQLState(), "a write WAL-y cannot map to the database's schema version");
            }
            throw e;
        }
    }

    /** Before each statement of a connection the model places: the views follow the database's version. */
    public void followVersion() throws SQLException {
        readMigrationVersion();   // another process may have migrated the database (due once a second)
        live.enterViews(physical, base.getTransactionState() == TransactionState.IDLE && !sqlTransaction);
    }

    /** Set once by the application's connection that wraps this capture. */
    public void facade(Connection applicationConnection) {
        this.facade = applicationConnection;
    }

    /**
     * Runs a call of an application command ({@code CALL waly.…}) in place of sending it: see {@link CommandCall}.
     * {@code answer} gives the application's call its result (a statement without results).
     */
    public <T> T call(SqlInfo info, List<Value> params, Work<T> answer) throws SQLException {
        String marked = SchemaMarker.version(info.explicitCall(), params);
        if (marked != null) return markSchemaVersion(marked, answer);
        if (facade == null) throw new IllegalStateException("a capture without its application connection runs no command");
        return CommandCall.run(this, facade, info.explicitCall(), params, answer);
    }

    /**
     * WAL-y's own migration marker ({@link SchemaMarker}): the transaction it is part of brings the database to
     * migration version {@code version}. Nothing is sent for it but the answer of a procedure call without results; its
     * transaction's COMMIT record carries the version, and once the database committed, the log's next transactions
     * begin under it. In autocommit it is a transaction of its own, with no statement.
     */
    private <T> T markSchemaVersion(String version, Work<T> answer) throws SQLException {
        boolean wrap = physical.getAutoCommit() && !sqlTransaction;
        if (wrap) physical.setAutoCommit(false);
        try {
            ensureTransaction();
            SchemaMarker.persist(physical, version);
            T result = answer.run();
            txMigration = version;
            if (wrap) {
                commitInternal(() -> {
                    endWrapped(true);
                    return null;
                });
            }
            return result;
        } catch (SQLException e) {
            if (wrap) {
                quietEndWrapped();
                if (txId != 0) endTransaction(RecordKind.ROLLBACK, new Payloads.End("statement-failed", e.getSQLState(), null));
            }
            throw e;
        } finally {
            if (wrap) restoreAutocommit();
        }
    }

    public CommandLog commands() {
        return commands;
    }

    /**
     * True when this connection's role may read back {@code t}'s rows — what WAL-y's row images need; without it, a
     * write of the table is logged without its rows rather than failing where pgjdbc alone succeeds.
     */
    boolean mayReadRows(EffectsCatalog.TableInfo t) {
        return rights.mayRead(t);
    }

    /** False when the recording policy leaves the statement out of the log. */
    public boolean logs(SqlInfo info) {
        return policy.verdict(info).logged();
    }

    /** A value of a statement as its records will hold it (hashed where the recording policy hashes it). */
    public Value recordedValue(SqlInfo info, int param, Value v) {
        return policy.recorded(info, param, v);
    }

    /** pgjdbc's connection, for WAL-y's own statements. */
    public Connection physical() {
        return physical;
    }

    /**
     * True with {@code reWriteBatchedInserts=true}: pgjdbc then sends a batch of INSERTs as multi-row INSERTs and
     * answers SUCCESS_NO_INFO per row — unless generated keys are requested, so WAL-y must not request them for the
     * application's batches on such a connection (it pins the sequences instead).
     */
    public boolean rewritesBatches() {
        return rewritesBatches;
    }

    /**
     * True when the connection has {@code stringtype=unspecified}: pgjdbc then binds strings with no type and the
     * server infers one, so the log records them as bound with {@code Types.OTHER}, which replay binds the same way.
     */
    public boolean stringsUnspecified() {
        return stringsUnspecified;
    }

    /**
     * The order of a COPY's fields when the recording policy logs some of them as hashes: its column list, else its
     * table's columns but the generated ones (asked of the database, before the COPY starts); null when nothing of it is
     * hashed, or the table cannot be looked up (the COPY then fails, or its data is left out of the log).
     */
    public List<String> copyLayoutToHash(SqlInfo info) {
        if (!(info.command() instanceof io.waly.command.Command.Copy copy) || policy.verdict(info).hashing() == null) return null;
        if (copy.columns() != null && !copy.columns().isEmpty()) return copy.columns();
        try {
            EffectsCatalog.TableInfo t = shared.effects().lookup(physical, copy.table());
            return t.qualifiedName() == null ? null : t.copyColumns();
        } catch (SQLException e) {
            return null;
        }
    }

    /**
     * Before a write whose values the recording policy hashes is sent: its table's column types, so that each value is
     * logged as a hash its column can hold (asked once per table, until DDL; a table that cannot be looked up keeps
     * hex-text hashes).
     */
    private void lookUpHashedTables(SqlInfo info, List<StatementLog> statements) {
        for (SqlInfo s : statements.isEmpty() ? List.of(info) : statements.stream().map(StatementLog::info).distinct().toList()) {
            var plan = policy.verdict(s).hashing();
            if (plan == null || plan.command().writtenTables().isEmpty()) continue;
            try {
                shared.effects().lookup(physical, plan.command().writtenTables().get(0));
            } catch (SQLException e) {
                // an aborted transaction: the statement fails anyway
            }
        }
    }

    /** Column → type name of a table the catalog knows already; empty when it does not (nothing is asked here). */
    private Map<String, String> knownColumnTypes(io.waly.command.Command.Table t) {
        EffectsCatalog.TableInfo known = shared.effects().cached(t);
        if (known == null || known.qualifiedName() == null) return Map.of();
        Map<String, String> out = new java.util.HashMap<>();
        for (int i = 0; i < known.columns().size(); i++) out.put(known.columns().get(i), known.columnTypes().get(i));
        return out;
    }

    /** What {@code sql} is to the log (cached per text for every connection of the log). */
    public SqlInfo classify(String sql) {
        return shared.classifier().classify(sql);
    }

    public WalyConfig connectionConfig() {
        return config;
    }

    public SharedLog shared() {
        return shared;
    }

    public int connectionId() {
        return connection;
    }

    public boolean inTransaction() {
        return txId != 0;
    }

    // ------------------------------------------------------------------ writes

    /**
     * Logs a write, runs it, logs its outcome. In autocommit the statement runs in a transaction of WAL-y's making
     * whose COMMIT record is durable before the database commits.
     */
    public <T> T write(StatementLog st, Work<T> work) throws SQLException {
        return writeAll(List.of(st), work, false);
    }

    /**
     * @param readsBack the statement's rows will be read back after it ran (an INSERT with its own RETURNING): that
     *                  must happen inside its transaction, so in autocommit it always runs in one of WAL-y's making
     */
    public <T> T write(StatementLog st, Work<T> work, boolean readsBack) throws SQLException {
        return writeAll(List.of(st), work, readsBack);
    }

    /**
     * A write WAL-y states as SQL for an API that sends none (large objects over pgjdbc's fastpath, an updatable result
     * set's rows): logged as {@code sql} with {@code params}, then done by {@code work}, which changes one row and
     * answers the effects to record with it (often none).
     */
    public void writeAs(String sql, List<Value> params, Work<List<Payloads.Effect>> work) throws SQLException {
        StatementLog st = new StatementLog(classify(sql), sql, params, new int[params.size()], null, -1);
        write(st, () -> {
            st.effects(work.run());
            st.counts(1);
            return null;
        });
    }

    /** A batch: every element logged, in order, before the batch is sent; an outcome per element after. */
    public <T> T writeAll(List<StatementLog> statements, Work<T> work) throws SQLException {
        return writeAll(statements, work, false);
    }

    public <T> T writeAll(List<StatementLog> statements, Work<T> work, boolean readsBack) throws SQLException {
        return writeIn(open(statements.get(0).info(), statements, readsBack), statements, work);
    }

    /**
     * Where a write runs: in the application's transaction; in one of WAL-y's making ({@code wrap}), opened here; or as
     * sent, outside any transaction block ({@code nonTx}); or as sent and not logged at all ({@code unlogged}: the
     * model's recording policy leaves its table out of the log).
     */
    public record Mode(boolean appAutocommit, boolean nonTx, boolean wrap, boolean unlogged) {}

    /**
     * Opens what a write needs before it is sent: in fsync durability an autocommitted write runs in a transaction of
     * WAL-y's making, so that its COMMIT record is on disk before the database commits and its txid decides it after a
     * crash. In async and none durability nothing is forced before the commit anyway: the write runs as sent, in one
     * round trip, its records handed to the OS first (see txidRecorded). Writes PostgreSQL refuses in a transaction
     * block always run as sent.
     */
    public Mode open(SqlInfo info, boolean readsBack) throws SQLException {
        return open(info, List.of(), readsBack);
    }

    /**
     * The model's policies speak first ({@link PolicyGuard#admit}): a statement a rule denies is refused here, before
     * anything reaches the database; one with a row limit runs in a transaction, so that it can be rolled back.
     */
    private Mode open(SqlInfo info, List<StatementLog> statements, boolean readsBack) throws SQLException {
        boolean appAutocommit = physical.getAutoCommit() && !sqlTransaction;
        if (!appAutocommit && info.endsTransactionWithin()) throw endsTransactionWithin();
        PolicyGuard.Admission admitted = policy.admit(info, statements, !appAutocommit);
        if (!admitted.logged()) return new Mode(appAutocommit, false, false, true);
        if (admitted.hashes()) lookUpHashedTables(info, statements);
        boolean nonTx = appAutocommit && (info.kind().runsOutsideTransaction()
                || (!txidRecorded && !readsBack && !admitted.countsRows()));
        Mode mode = new Mode(appAutocommit, nonTx, appAutocommit && !nonTx, false);
        if (mode.wrap()) physical.setAutoCommit(false);
        return mode;
    }

    /**
     * Refused before anything is sent: in autocommit such a string (or batch) runs as sent and replays as one, but inside
     * the application's transaction the database would commit or roll back that transaction part way through the string,
     * and the statements after that part run in a transaction of their own — which the log, holding the string as one
     * statement of the application's transaction, would not say.
     */
    private static SQLException endsTransactionWithin() {
        return new java.sql.SQLFeatureNotSupportedException("WAL-y cannot log a string of statements or a batch that commits "
                + "or rolls back inside the application's transaction: end the transaction first (commit() or rollback()), "
                + "or send it in autocommit mode", "0A000");
    }

    /**
     * Logs a write, runs it, logs its outcome, in the mode {@link #open} opened (and closes what it opened). COPY
     * through pgjdbc's API opens when its command is sent ({@code copyIn}) and writes when its data ends
     * ({@code endCopy}); every other write does both at once.
     */
    public <T> T writeIn(Mode mode, List<StatementLog> statements, Work<T> work) throws SQLException {
        try {
            return logAndRun(mode, statements, work);
        } finally {
            policy.afterWrite(statements);   // SET ROLE and its kin: the rules follow the role the database now has
            rights.afterWrite(statements);
        }
    }

    private <T> T logAndRun(Mode mode, List<StatementLog> statements, Work<T> work) throws SQLException {
        if (mode.unlogged()) return work.run();
        SqlInfo info = statements.get(0).info();
        boolean migration = false;
        for (StatementLog st : statements) migration |= migrationViews != null && migrationViews.touches(st.info().command());
        if (migration) work = newerViewsDroppedFirst(work);
        work = policy.guard(statements, !mode.appAutocommit(), mode.nonTx(), work);
        boolean appAutocommit = mode.appAutocommit();
        boolean nonTx = mode.nonTx();
        boolean wrap = mode.wrap();
        for (StatementLog st : statements) {
            if (st.info().command() instanceof io.waly.command.Command.Ddl) shared.effects().invalidate();
            else if (st.info().command() instanceof io.waly.command.Command.Sql) shared.effects().forgetRights();
        }
        long[] seqs = new long[statements.size()];
        try {
            try {
                if (txId == 0) begin(appAutocommit);
                for (int i = 0; i < seqs.length; i++) seqs[i] = appendStatement(statements.get(i), appAutocommit);
                for (StatementLog st : statements) noteSequences(st.info());
                if (migration && live != null) live.migrating(txId);
                if (nonTx) {
                    // PostgreSQL commits these itself: the log's COMMIT must be durable before the statement is sent
                    long c = log.append(RecordKind.COMMIT, txId, new Payloads.Commit(-1).encode());
                    log.sync(c);
                }
            } catch (LogException e) {
                if (wrap) quietEndWrapped();
                else if (!nonTx && config.failOnLogFailure()) lostRecords = true;
                txId = 0;
                if (config.failOnLogFailure()) throw logFailure(e);
                return work.run();   // walyOnLogFailure=continue: the log has a gap from here on
            }
            T result;
            try {
                result = work.run();
            } catch (SQLException e) {
                txDrawsUnlogged = true;
                appendQuietly(() -> {
                    for (long s : seqs) log.append(RecordKind.OUTCOME, txId, Payloads.Outcome.error(s, e.getSQLState(), e.getMessage()).encode());
                });
                if (wrap) quietEndWrapped();
                if (nonTx && info.keepsWorkOnFailure()) {
                    // what the procedure committed before it failed stays in the database: replay runs it again
                    endTransaction(RecordKind.COMMITTED, new Payloads.End(Payloads.End.ROUTINE_FAILED, e.getSQLState(), null));
                } else if (wrap || nonTx) {
                    endTransaction(RecordKind.ROLLBACK, new Payloads.End("statement-failed", e.getSQLState(), null));
                }
                throw e;
            }
            for (StatementLog st : statements) {
                String history = MigrationVersion.written(st.info().command(), st.params);
                if (history != null) txHistory = history;
            }
            appendQuietly(() -> {
                for (int i = 0; i < seqs.length; i++) {
                    StatementLog st = statements.get(i);
                    log.append(RecordKind.OUTCOME, txId, Payloads.Outcome.ok(seqs[i], st.counts,
                            policy.recorded(policy.verdict(st.info()), st.effects)).encode());
                }
            });
            if (!nonTx) {
                try {
                    learnTxid();
                } catch (SQLException e) {
                    // the statement succeeded; without its id the transaction is decided by the operator if in doubt
                }
            }
            if (wrap) commitInternal(() -> {
                endWrapped(true);
                return null;
            });
            else if (nonTx) endTransaction(RecordKind.COMMITTED, Payloads.End.COMMIT);
            return result;
        } finally {
            if (wrap) restoreAutocommit();
        }
    }

    /**
     * DDL on a versioned table: the views of versions newer than the database, which would block it, are dropped just
     * before it, in its transaction ({@link MigrationViews}).
     */
    private <T> Work<T> newerViewsDroppedFirst(Work<T> ddl) {
        return () -> {
            if (migrationViews.dropNewer(physical)) {
                if (physical.getAutoCommit()) VersionViews.dropped();   // a DDL sent as is: the drop committed by itself
                else txDroppedViews = true;
            }
            return ddl.run();
        };
    }

    /** Closes what {@link #open} opened for a write that is not going ahead (a COPY cancelled before its data ended). */
    public void abandon(Mode mode) {
        if (!mode.wrap()) return;
        quietEndWrapped();
        restoreAutocommit();
    }

    /** Back to the application's autocommit; never hides the error a failed statement or commit is throwing. */
    private void restoreAutocommit() {
        try {
            physical.setAutoCommit(true);
        } catch (SQLException e) {
            // only a closed connection refuses this, and the application learns that from its next call
        }
    }

    private long appendStatement(StatementLog st, boolean autocommit) {
        Payloads.AppCommand command = commands.before(st.info(), st.sql, st.params, policy);
        if (command != null) log.append(RecordKind.COMMAND, txId, command.encode());
        if (st.original != null) {
            StatementLog o = st.original;
            Payloads.Statement asSent = policy.recorded(policy.verdict(o.info()), new Payloads.Statement(Secrets.redact(o.sql),
                    o.params, o.jdbcTypes, o.info().command(), autocommit, o.batchIndex, null, connection, o.jdbcTypes != null));
            log.append(RecordKind.MAPPED, txId, new Payloads.Mapped(connection, st.mappedFrom, st.mappedTo, live.modelId(),
                    asSent).encode());
        }
        Payloads.Statement.Repeated parts = repeatedParts(st);
        String sql = parts != null ? parts.sql() : Secrets.redact(st.sql);
        return log.append(RecordKind.STATEMENT, txId, policy.recorded(policy.verdict(st.info()), new Payloads.Statement(sql, st.params, st.jdbcTypes,
                st.info().command(), autocommit, st.batchIndex, st.copyData, connection, st.jdbcTypes != null), st.copyColumns).encode(parts));
    }

    /**
     * A text logged a second time keeps its redacted SQL and its command encoded ({@link SqlInfo#logged}), so that every
     * execution after encodes only its parameters: the TPC-B statements' records then cost a third of their encoding.
     */
    private static Payloads.Statement.Repeated repeatedParts(StatementLog st) {
        SqlInfo info = st.info();
        SqlInfo.Logged kept = info.logged();
        if (kept != null) return kept.sql().equals(st.sql) ? kept.parts() : null;
        if (!info.loggedAgain() || st.copyData != null) return null;
        Payloads.Statement.Repeated parts = new Payloads.Statement.Repeated(Secrets.redact(st.sql), info.command());
        info.keepLogged(new SqlInfo.Logged(st.sql, parts));
        return parts;
    }

    /**
     * Starts the log's transaction: SESSION once per connection, then BEGIN. Nothing is asked of the database inside
     * the application's transaction before its own first statement (which, for {@code SET TRANSACTION}, must come
     * first): the session's search_path is read in a transaction of its own when the connection is idle, and the
     * transaction's id after its first write ({@link #learnTxid}).
     */
    private void begin(boolean autocommit) throws SQLException {
        resolveInDoubt();
        dbTxid = -1;
        txMigration = null;
        txHistory = null;
        // a connection a version places reads before each statement (followVersion): its mapping and BEGIN agree
        if (live == null && (!sessionLogged || migrationViews != null)) readMigrationVersion();
        if (!sessionLogged) {
            Map<String, String> settings = new LinkedHashMap<>();
            Map<String, String> status = physical.unwrap(PGConnection.class).getParameterStatuses();
            for (String k : new String[] {"TimeZone", "DateStyle", "IntervalStyle", "standard_conforming_strings",
                    "client_encoding", "application_name"}) {
                if (status.get(k) != null) settings.put(k, status.get(k));
            }
            String searchPath = searchPath();
            if (live != null) searchPath = live.withoutViews(searchPath);
            if (searchPath != null) settings.put("search_path", searchPath);
            log.append(RecordKind.SESSION, 0, new Payloads.Session(connection, settings).encode());
            policy.recordingPolicy();
            sessionLogged = true;
        }
        txId = log.append(RecordKind.BEGIN, LogSink.OWN_SEQ, new Payloads.Begin(connection, -1, autocommit, null,
                physical.isReadOnly(), config.appVersion(), shared.migrations().current()).encode());
    }

    /**
     * The schema version of {@code versions} this connection writes under, as a transaction it begins records it
     * (FORMAT.md, Begin: walyAppVersion, else the database's migration version); null when the model places it in none.
     */
    public io.waly.model.Versions.Version writesUnder(io.waly.model.Versions versions) {
        return versions.writtenUnder(config.appVersion(), shared.migrations().current());
    }

    /**
     * The database's migration version, asked only outside a transaction block (see searchPath): a question that failed
     * inside the application's transaction would abort it. Once per log, or, when the model declares versions, again
     * once a second ({@link MigrationVersion#readAgain}), so that the live versions follow a migration another process
     * ran; a connection whose model declares none pays nothing more for it.
     */
    private void readMigrationVersion() throws SQLException {
        if (base.getTransactionState() != TransactionState.IDLE || sqlTransaction) return;
        MigrationVersion m = shared.migrations();
        try {
            boolean asked = migrationViews != null ? m.readAgain(physical) : m.readOnce(physical);
            if (asked && !physical.getAutoCommit()) physical.commit();
        } catch (SQLException e) {
            // a history table the application's user may not read: the version stays unknown, the write goes on
            if (!physical.getAutoCommit()) physical.rollback();
        }
    }

    /**
     * The session's search_path, once per connection. On an idle connection outside autocommit the question opens a
     * transaction of its own, ended at once, so the application's transaction still starts with its own statement.
     */
    private String searchPath() throws SQLException {
        TransactionState state = base.getTransactionState();
        if (state == TransactionState.FAILED) return null;
        String path;
        try (java.sql.Statement s = physical.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_catalog.current_setting('search_path')")) {
            rs.next();
            path = rs.getString(1);
        }
        if (state == TransactionState.IDLE && !physical.getAutoCommit()) physical.commit();
        return path;
    }

    /**
     * The database's id of the open transaction ({@code txid_current()}), asked once the transaction has written — it
     * has an id by then anyway, and the question is not its first statement. It goes into the COMMIT record, so that
     * the transaction can be decided by the database if the process dies after making COMMIT durable. Only in fsync
     * durability (see {@link #txidRecorded}), and never in a failed or read-only transaction.
     */
    private void learnTxid() throws SQLException {
        if (!txidRecorded || dbTxid >= 0 || base.getTransactionState() != TransactionState.OPEN || physical.isReadOnly()) return;
        if (txidQuery == null) {
            txidQuery = physical.prepareStatement("SELECT pg_catalog.txid_current()");
            // an unnamed statement each time: the application's pg_prepared_statements shows none of WAL-y's
            txidQuery.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(0);
        }
        try (ResultSet rs = txidQuery.executeQuery()) {
            rs.next();
            dbTxid = rs.getLong(1);
        }
    }

    /**
     * True when a write sent (or prepared) now could carry the transaction's txid ahead of it ({@link TxidAhead}):
     * fsync durability, no txid yet, a single INSERT, UPDATE or DELETE whose one answer is a count, on a primary (pgjdbc
     * is told {@code in_hot_standby} by PostgreSQL 14 and later; unknown: no), over the extended protocol, outside the
     * schema versions' live mapping (which sends statements of its own).
     */
    boolean mayAskTxidAhead(SqlInfo info) {
        if (!txidRecorded || dbTxid >= 0 || live != null || info.multiStatement() || info.withClause()
                || info.explicitCall() != null || info.createsLargeObject()) {
            return false;
        }
        io.waly.command.Command c = info.command();
        boolean write = c instanceof io.waly.command.Command.Insert || c instanceof io.waly.command.Command.Update
                || c instanceof io.waly.command.Command.Delete;
        return write && !EffectsPlan.hasReturning(c) && "off".equals(base.getParameterStatus("in_hot_standby"))
                && base.getQueryExecutor().getPreferQueryMode() != org.postgresql.jdbc.PreferQueryMode.SIMPLE;
    }

    /**
     * True when the write about to run should bring the transaction's txid: fsync durability, none known yet, inside a
     * transaction block that has not failed, not read-only (as {@link #learnTxid} asks).
     */
    boolean wantsTxidNow() throws SQLException {
        if (!txidRecorded || dbTxid >= 0 || physical.isReadOnly()) return false;
        TransactionState state = base.getTransactionState();
        return state != TransactionState.FAILED && (state == TransactionState.OPEN || !physical.getAutoCommit());
    }

    /** The txid a write brought with it (PreparedCapture's twin). */
    void txidLearned(long txid) {
        dbTxid = txid;
    }

    /** Makes sure a transaction is open in the log (for savepoints, which must be replayed in place). */
    public void ensureTransaction() throws SQLException {
        if (txId != 0) return;
        try {
            begin(false);
        } catch (LogException e) {
            if (config.failOnLogFailure()) throw logFailure(e);
        }
    }

    // ------------------------------------------------------------------ transaction ends

    /** The application commits (API, SQL COMMIT/END, or setAutoCommit(true)): the COMMIT record is durable first. */
    public void commit(Work<?> commitWork) throws SQLException {
        if (lostRecords) {
            lostRecords = false;
            txId = 0;
            quietRollback();
            sqlTransaction = chained();
            throw new WalySQLException("WAL-y could not log every write of this transaction, so it was rolled back instead of "
                    + "committed (run it again)", WalyState.LOG_FAILURE);
        }
        try {
            if (txId == 0) commitWork.run();
            else commitInternal(commitWork);
        } finally {
            sqlTransaction = chained();
            policy.transactionEnded();
            rights.transactionEnded();
        }
    }

    /**
     * After COMMIT or ROLLBACK sent as SQL in autocommit: true when the database opened the next transaction at once
     * ({@code … AND CHAIN}), whose writes then belong together until the application ends it, as after a BEGIN.
     */
    private boolean chained() {
        try {
            return physical.getAutoCommit() && base.getTransactionState() != TransactionState.IDLE;
        } catch (SQLException closed) {
            return false;   // the connection is gone; the error the application gets is the statement's
        }
    }

    private void commitInternal(Work<?> commitWork) throws SQLException {
        if (base.getTransactionState() == TransactionState.FAILED) {
            // PostgreSQL answers COMMIT of an aborted transaction with a rollback: log what will happen
            try {
                commitWork.run();
            } finally {
                endTransaction(RecordKind.ROLLBACK, new Payloads.End("commit-failed", WalyState.IN_FAILED_SQL_TRANSACTION.getState(),
                        "transaction was aborted"));
            }
            return;
        }
        try {
            learnTxid();   // a transaction whose writes all failed, then rolled back to a savepoint, has not asked yet
        } catch (SQLException e) {
            // the commit that follows meets the same broken connection and reports it
        }
        try {
            long c = log.append(RecordKind.COMMIT, txId, new Payloads.Commit(dbTxid, txMigration).encode());
            log.sync(c);
        } catch (LogException e) {
            txId = 0;
            txMigration = null;
            txHistory = null;
            if (config.failOnLogFailure()) {
                quietRollback();
                throw new WalySQLException("WAL-y could not make the commit durable in its log, so the transaction was rolled "
                        + "back and nothing reached the database: " + e.getMessage(), WalyState.LOG_FAILURE, e);
            }
            commitWork.run();   // walyOnLogFailure=continue: the transaction commits unlogged (the log has a gap)
            return;
        }
        try {
            commitWork.run();
        } catch (SQLException e) {
            String state = e.getSQLState();
            if (WalyState.isConnectionError(state)) {
                // The connection broke during COMMIT: the database may or may not have committed. Leave the outcome
                // out of the log (in doubt) and let the next connection ask the database.
                shared.addInDoubt(txId, dbTxid);
                txId = 0;
            } else {
                endTransaction(RecordKind.ROLLBACK, new Payloads.End("commit-failed", state, e.getMessage()));
            }
            throw e;
        }
        endTransaction(RecordKind.COMMITTED, Payloads.End.COMMIT);
    }

    /** The application rolls back (API or SQL); logged after the database did it. */
    public void rollback(Work<?> rollbackWork) throws SQLException {
        lostRecords = false;
        try {
            rollbackWork.run();
        } finally {
            if (txId != 0) endTransaction(RecordKind.ROLLBACK, Payloads.End.ROLLBACK);
            sqlTransaction = chained();
            policy.transactionEnded();
            rights.transactionEnded();
        }
    }

    /**
     * The application closes the connection inside a transaction: it is rolled back here, as the server would at close,
     * so that where its sequences were left (a rolled-back draw stays drawn) is read and logged with its end while the
     * connection is still there. A connection that cannot roll back (broken) leaves that to {@link #closed}.
     */
    private void rollBackBeforeClose() {
        if (txId == 0) return;
        try {
            if (physical.getAutoCommit()) {
                try (java.sql.Statement s = physical.createStatement()) {
                    s.execute("ROLLBACK");
                }
            } else {
                physical.rollback();
            }
        } catch (SQLException e) {
            return;
        }
        endTransaction(RecordKind.ROLLBACK, new Payloads.End("connection-closed", null, null));
    }

    /** The connection closes; an open transaction is rolled back by the server. */
    public void closed() {
        if (txId != 0) endTransaction(RecordKind.ROLLBACK, new Payloads.End("connection-closed", null, null));
    }

    /** BEGIN/START TRANSACTION sent as SQL while in autocommit: writes until COMMIT belong to one transaction. */
    public void sqlBegin(Work<?> work) throws SQLException {
        work.run();
        if (physical.getAutoCommit()) sqlTransaction = true;
    }

    public boolean inSqlTransaction() {
        return sqlTransaction;
    }

    // ------------------------------------------------------------------ two-phase commit

    /**
     * PREPARE TRANSACTION: the session's transaction leaves the session, prepared under {@code gid}; in the log it stays
     * open (nothing of it is committed yet) until COMMIT PREPARED or ROLLBACK PREPARED decides it ({@link #endPrepared}).
     * If PREPARE fails, PostgreSQL rolls the transaction back, and so does the log.
     */
    public void prepareTransaction(String gid, Work<?> work) throws SQLException {
        boolean done = false;
        try {
            work.run();
            done = true;
        } finally {
            if (txId != 0) {
                if (done && gid != null && base.getTransactionState() == TransactionState.IDLE) {
                    shared.addPrepared(gid, txId, dbTxid);
                    txId = 0;
                    dbTxid = -1;
                } else {
                    endTransaction(RecordKind.ROLLBACK, new Payloads.End("prepare-failed", null, null));
                }
            }
            sqlTransaction = chained();
            policy.transactionEnded();
            rights.transactionEnded();
        }
    }

    /** True when COMMIT/ROLLBACK PREPARED {@code gid} decides a transaction this JVM logged and can end in the log. */
    public boolean decidesPrepared(String gid) throws SQLException {
        return shared.isPrepared(gid) && physical.getAutoCommit() && !sqlTransaction
                && base.getTransactionState() == TransactionState.IDLE;
    }

    /**
     * COMMIT PREPARED / ROLLBACK PREPARED of a transaction prepared in this JVM: its COMMIT record, durable first, then
     * the database's decision, then the outcome — the commit protocol of any transaction, with the prepared one's ids.
     * The statement itself is not logged: replay applies the transaction at this point, as an ordinary commit.
     */
    public void endPrepared(boolean commit, String gid, Work<?> work) throws SQLException {
        SharedLog.InDoubt p = shared.takePrepared(gid);
        if (p == null) {
            work.run();
            return;
        }
        if (!commit) {
            try {
                work.run();
            } catch (SQLException e) {
                shared.addPrepared(gid, p.txId(), p.dbTxid());   // still prepared: decided later
                throw e;
            }
            appendEnd(p.txId(), p.dbTxid(), RecordKind.ROLLBACK, Payloads.End.ROLLBACK);
            return;
        }
        try {
            log.sync(log.append(RecordKind.COMMIT, p.txId(), new Payloads.Commit(p.dbTxid()).encode()));
        } catch (LogException e) {
            shared.addPrepared(gid, p.txId(), p.dbTxid());
            if (config.failOnLogFailure()) {
                throw new WalySQLException("WAL-y could not make the commit durable in its log, so COMMIT PREPARED was not "
                        + "sent: " + e.getMessage(), WalyState.LOG_FAILURE, e);
            }
            work.run();
            return;
        }
        try {
            work.run();
        } catch (SQLException e) {
            // the COMMIT record is in the log: the database decides (txid_status), as for a commit whose answer was lost
            shared.addInDoubt(p.txId(), p.dbTxid());
            throw e;
        }
        appendEnd(p.txId(), p.dbTxid(), RecordKind.COMMITTED, Payloads.End.COMMIT);
    }

    // ------------------------------------------------------------------ savepoints

    public void savepoint(RecordKind kind, String name) throws SQLException {
        if (kind == RecordKind.ROLLBACK_TO) {
            policy.rolledBackToSavepoint();
            rights.rolledBackToSavepoint();
        }
        if (txId == 0) return;
        if (kind == RecordKind.ROLLBACK_TO) txDrawsUnlogged = true;
        try {
            log.append(kind, txId, new Payloads.Savepoint(name).encode());
        } catch (LogException e) {
            if (config.failOnLogFailure()) {
                lostRecords = true;
                throw logFailure(e);
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private void endTransaction(RecordKind kind, Payloads.End end) {
        long tx = txId;
        long db = dbTxid;
        txId = 0;
        dbTxid = -1;
        String migrated = txMigration != null ? txMigration : txHistory;   // the marker says it last
        if (kind == RecordKind.COMMITTED && migrated != null) shared.migrations().committed(migrated);
        txMigration = null;
        txHistory = null;
        if (kind == RecordKind.COMMITTED && txDroppedViews) VersionViews.dropped();
        txDroppedViews = false;
        if ((!txSequences.isEmpty() || !txTables.isEmpty()) && (kind == RecordKind.ROLLBACK || txDrawsUnlogged)) {
            end = end.withSequences(sequenceStates());
        }
        txSequences.clear();
        txTables.clear();
        txDrawsUnlogged = false;
        appendEnd(tx, db, kind, end);
    }

    /** Notes the sequences a statement may draw from: those it names, and those its insert target's defaults call. */
    private void noteSequences(SqlInfo info) {
        txSequences.addAll(info.drawnSequences());
        io.waly.command.Command c = info.command();
        io.waly.command.Command.Table t = c instanceof io.waly.command.Command.Insert i ? i.table()
                : c instanceof io.waly.command.Command.Upsert u ? u.insert().table()
                : c instanceof io.waly.command.Command.Copy cp ? cp.table() : null;
        // only what is known already (a table with sequence defaults was looked up for its effects): no query here
        EffectsCatalog.TableInfo known = t == null ? null : shared.effects().cached(t);
        if (known == null && t != null) txTables.add(t);   // looked up only if the transaction's draws go unlogged
        if (known == null || known.sequences().isEmpty()) return;
        txSequences.addAll(known.sequences().values());
        // a row an upsert does not insert has drawn its default all the same: a draw no row holds
        if (c instanceof io.waly.command.Command.Upsert) txDrawsUnlogged = true;
    }

    /**
     * Where the ended transaction's sequences stand: sequences are not transactional, so what a rolled-back transaction
     * or a failed statement drew stays drawn, in no row of the log. Asked once the transaction is over (in a
     * transaction of its own, ended at once, outside autocommit); a state that cannot be read is left out, and replay
     * then keeps the sequence where the rows put it.
     */
    private List<Payloads.Effect> sequenceStates() {
        List<Payloads.Effect> out = new java.util.ArrayList<>();
        try {
            if (base.getTransactionState() != TransactionState.IDLE) return out;
            boolean autocommit = physical.getAutoCommit();
            if (sequenceQuery == null) {
                sequenceQuery = physical.prepareStatement("SELECT pg_catalog.quote_ident(n.nspname) || '.' || "
                        + "pg_catalog.quote_ident(c.relname), pg_catalog.pg_sequence_last_value(c.oid) FROM pg_catalog.unnest(?::text[]) x "
                        + "JOIN pg_catalog.pg_class c ON c.oid = pg_catalog.to_regclass(x) AND c.relkind = 'S' "
                        + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace");
                sequenceQuery.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(0);
            }
            try {
                // the rare path (a failure, a rollback): now the insert targets not looked up so far are
                for (io.waly.command.Command.Table t : txTables) {
                    try {
                        txSequences.addAll(shared.effects().lookup(physical, t).sequences().values());
                    } catch (SQLException e) {
                        if (!autocommit) physical.rollback();   // no such table: it drew nothing
                    }
                }
                if (txSequences.isEmpty()) return out;
                sequenceQuery.setArray(1, physical.createArrayOf("text", txSequences.toArray()));
                try (ResultSet rs = sequenceQuery.executeQuery()) {
                    while (rs.next()) {
                        long last = rs.getLong(2);
                        if (!rs.wasNull()) out.add(Payloads.Effect.sequenceState(rs.getString(1), last));
                    }
                }
            } finally {
                if (!autocommit) physical.rollback();
            }
        } catch (SQLException e) {
            // a refinement only: without it, replay leaves the sequence where the logged rows put it
        }
        return out;
    }

    /** The end record of the log's transaction {@code tx} (this connection's, or a prepared one another decides). */
    private void appendEnd(long tx, long db, RecordKind kind, Payloads.End end) {
        appendQuietly(() -> {
            long s = log.append(kind, tx, end.encode());
            // An outcome needs no fsync of its own: if a power cut loses it, the transaction is in doubt and its txid
            // decides. It is handed to the OS at once, so that followers of the log see the transaction end (one write
            // call, no force). Without a txid nothing could decide it later, so then the outcome is made durable.
            if (db < 0) log.sync(s);
            else log.publish(s);
        });
    }

    /** Outcome records: a failure to write one leaves the transaction looking unfinished, never wrong. */
    private void appendQuietly(Runnable r) {
        try {
            r.run();
        } catch (LogException ignored) {
            // the writer is now failed; the next write or commit reports it to the application
        }
    }

    /**
     * Ends the transaction WAL-y wrapped around an autocommit write. Sent unnamed (prepare threshold 0 for the call):
     * pgjdbc would otherwise make its COMMIT a server-prepared statement after a few, which an autocommit application
     * never has and could see in {@code pg_prepared_statements}.
     */
    private void endWrapped(boolean commit) throws SQLException {
        int threshold = base.getPrepareThreshold();
        base.setPrepareThreshold(0);
        boolean noWarningsBefore = commit && physical.getWarnings() == null;
        try {
            if (commit) physical.commit();
            else physical.rollback();
        } finally {
            base.setPrepareThreshold(threshold);
        }
        if (noWarningsBefore) {
            commitNotices = physical.getWarnings();
            if (commitNotices != null) physical.clearWarnings();
        }
    }

    /**
     * The notices WAL-y's own COMMIT of an autocommitted write drew (a deferred trigger's RAISE NOTICE), taken once.
     * PostgreSQL sends them with the statement when it commits it by itself, so pgjdbc alone puts them on the
     * statement; pgjdbc puts a COMMIT's on the connection, so they are taken off it here (when it held none before) for
     * the statement to carry. Null when there were none.
     */
    public java.sql.SQLWarning takeCommitNotices() {
        java.sql.SQLWarning w = commitNotices;
        commitNotices = null;
        return w;
    }

    private void quietEndWrapped() {
        try {
            endWrapped(false);
        } catch (SQLException ignored) {
            // the original error is the one the application needs
        }
    }

    private void quietRollback() {
        try {
            physical.rollback();
        } catch (SQLException ignored) {
            // the original error is the one the application needs
        }
    }

    private static SQLException logFailure(LogException e) {
        return new WalySQLException("WAL-y could not write its log, so the statement was not sent to the database: "
                + e.getMessage() + " (fix the disk and reconnect, or set walyOnLogFailure=continue to run unlogged)",
                WalyState.LOG_FAILURE, e);
    }

    /**
     * Decides transactions left in doubt (COMMIT logged, outcome not) by asking the database, and logs the answer.
     * Runs before this connection's first write, outside any transaction of the application.
     */
    private void resolveInDoubt() {
        List<SharedLog.InDoubt> list = shared.takeInDoubt();
        if (list.isEmpty()) return;
        for (SharedLog.InDoubt d : list) {
            InDoubtResolver.Decision decision = InDoubtResolver.Decision.UNKNOWN;
            if (d.dbTxid() >= 0 && base.getTransactionState() == TransactionState.IDLE) {
                decision = TxidStatus.ask(physical, d.dbTxid());
                try {
                    if (!physical.getAutoCommit()) physical.commit();
                } catch (SQLException e) {
                    decision = InDoubtResolver.Decision.UNKNOWN;
                }
            }
            if (decision != InDoubtResolver.Decision.UNKNOWN) {
                RecordKind kind = decision == InDoubtResolver.Decision.COMMITTED ? RecordKind.COMMITTED : RecordKind.ROLLBACK;
                long tx = d.txId();
                String why = "txid_status: " + (decision == InDoubtResolver.Decision.COMMITTED ? "committed" : "aborted");
                appendQuietly(() -> log.sync(log.append(kind, tx, new Payloads.End("recovered", null, why).encode())));
            } else {
                shared.addInDoubt(d.txId(), d.dbTxid());   // in progress or unknown: ask again later
            }
        }
    }

    public void close() {
        rollBackBeforeClose();
        if (sequenceQuery != null) {
            try {
                sequenceQuery.close();
            } catch (SQLException ignored) {
                // closing with the connection
            }
        }
        if (txidQuery != null) {
            try {
                txidQuery.close();
            } catch (SQLException ignored) {
                // closing with the connection
            }
        }
    }
}
