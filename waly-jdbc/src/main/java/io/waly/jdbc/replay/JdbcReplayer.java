package io.waly.jdbc.replay;

import io.waly.command.Command;
import io.waly.command.Value;
import io.waly.jdbc.values.JdbcValues;
import io.waly.log.format.RecordKind;
import io.waly.log.payload.Payloads;
import io.waly.log.read.LogReader;
import io.waly.log.tx.InDoubtException;
import io.waly.log.tx.InDoubtResolver;
import io.waly.log.tx.Prefetcher;
import io.waly.log.tx.Transaction;
import io.waly.log.tx.TransactionReader;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.postgresql.PGConnection;

/**
 * Replays a log into a JDBC database (PostgreSQL): exactly the committed transactions, in commit order, each as one
 * target transaction that also moves the cursor ({@link ReplayCursor}), so that a replay can be stopped or killed at
 * any point and resumed without applying anything twice. Statements run as the application sent them (its SQL and its
 * bound parameters), except where the log recorded the rows a statement produced (invariant 7): those rows are
 * applied as they were, and the tables' sequences are moved past them.
 *
 * <pre>{@code
 * ReplaySummary s = JdbcReplayer.builder().log(dir).target("jdbc:postgresql://127.0.0.1/restore?user=postgres")
 *         .toSeq(1200).build().run();
 * }</pre>
 */
public final class JdbcReplayer {

    public enum InDoubtPolicy { FAIL, COMMIT, ROLLBACK }

    private final Path log;
    private final String targetUrl;
    private final Properties targetProps;
    private final long toSeq;
    private final Instant toTime;
    private final boolean follow;
    private final boolean dryRun;
    private final boolean force;
    private final InDoubtPolicy inDoubt;
    private final String sourceUrl;
    private final Properties sourceProps;
    private final ReplayListener listener;
    private final AtomicBoolean stop = new AtomicBoolean();

    private JdbcReplayer(Builder b) {
        this.log = b.log;
        this.targetUrl = b.target;
        this.targetProps = b.targetProps;
        this.toSeq = b.toSeq;
        this.toTime = b.toTime;
        this.follow = b.follow;
        this.dryRun = b.dryRun;
        this.force = b.force;
        this.inDoubt = b.inDoubt;
        this.sourceUrl = b.source;
        this.sourceProps = b.sourceProps;
        this.listener = b.listener;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Asks a running replay (follow mode included) to stop after the transaction it is applying. */
    public void stop() {
        stop.set(true);
    }

    public ReplaySummary run() throws ReplayException, SQLException {
        String logId;
        try (LogReader r = LogReader.open(log)) {
            r.next();
            byte[] id = r.logId();
            if (id == null) throw new ReplayException("no log records in " + log.toAbsolutePath(), 0, null);
            logId = HexFormat.of().formatHex(id);
        }
        ReplaySummary summary = new ReplaySummary();
        try (Connection target = dryRun ? null : DriverManager.getConnection(targetUrl, targetProps);
             Connection source = sourceUrl == null ? null : DriverManager.getConnection(sourceUrl, sourceProps)) {
            ReplayCursor cursor = null;
            ReplayCursor.Position pos = null;
            if (target != null) {
                target.setAutoCommit(false);
                cursor = new ReplayCursor(target, logId);
                boolean hasTables = ReplayCursor.targetHasUserTables(target);
                target.rollback();
                cursor.ensureTable();
                pos = cursor.read();
                target.commit();
                if (pos == null && hasTables && !force) {
                    throw new ReplayException("the target database is not empty and has no WAL-y cursor for this log: "
                            + "replaying into it could mix histories; use an empty database, or --force", 0, null);
                }
            }
            summary.resumed = pos != null;
            long restart = pos == null ? 1 : pos.restartSeq();
            long skipThrough = pos == null ? 0 : pos.commitSeq();
            summary.lastCommitSeq = skipThrough;
            Applier applier = target == null ? null : new Applier(target);
            try (TransactionReader txs = TransactionReader.open(log, restart, skipThrough, resolver(source))) {
                if (toSeq > 0) txs.toSeq(toSeq);
                if (toTime != null) txs.toMicros(toTime.getEpochSecond() * 1_000_000L + toTime.getNano() / 1000);
                Group group = new Group(target, cursor, applier);
                Prefetcher prefetch = follow ? null : new Prefetcher(txs);
                try {
                while (!stop.get()) {
                    Transaction tx;
                    if (follow) {
                        try {
                            // with applied transactions pending, look only briefly: they commit as soon as the log pauses
                            tx = txs.next(group.isEmpty() ? 500 : 20);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            break;
                        }
                        if (tx == null) {
                            group.commit();
                            if (txs.reachedLimit()) break;
                            listener.waiting(summary);
                            continue;
                        }
                    } else {
                        try {
                            tx = prefetch.next();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            break;
                        }
                        if (tx == null) break;
                    }
                    if (applier == null) {
                        summary.statements += tx.statementCount();
                    } else if (applier.isNonTransactional(tx)) {
                        // VACUUM, SET, LOCK, … ran outside a transaction block on the source: so they do here, and the
                        // cursor moves right after (a crash in between re-runs one statement that tolerates it)
                        group.commit();
                        target.setAutoCommit(true);
                        try {
                            applier.apply(tx, summary);
                        } finally {
                            target.setAutoCommit(false);
                        }
                        group.add(tx);
                        group.commit();
                    } else {
                        applier.apply(tx, summary);
                        group.add(tx);
                        // DDL ends a group: some of it only takes effect for later statements once committed
                        // (a new enum value, for one), so grouping past it could change the result
                        if (group.isFull() || Applier.changesSchema(tx)) group.commit();
                    }
                    summary.transactions++;
                    summary.lastCommitSeq = tx.commitSeq();
                    listener.applied(tx, summary);
                }
                group.commit();
                } finally {
                    if (prefetch != null) prefetch.close();
                }
                summary.records = txs.counts().records;
                summary.rolledBack = txs.counts().rolledBack;
                summary.inDoubtResolved = txs.counts().recovered;
            } catch (InDoubtException e) {
                throw new ReplayException(e.getMessage(), e.commitSeq(), e);
            }
            if (applier != null) {
                applier.flushBatch();
                applier.syncSequences();
                applier.moveSequencesPastTables();
                target.commit();
            }
        }
        return summary;
    }

    /**
     * Source transactions applied in one target transaction, with one cursor update: the source's transaction
     * boundaries only matter for what is in the log (committed ones, in order), so grouping changes no result, and
     * saves a commit (an fsync on the target) per source transaction. Still exactly once: the cursor moves in the
     * same target transaction as the group's writes.
     */
    private static final class Group {
        private static final int MAX_TRANSACTIONS = 1000;
        private static final long MAX_NANOS = 1_000_000_000L;
        private final Connection target;
        private final ReplayCursor cursor;
        private final Applier applier;
        private Transaction last;
        private int size;
        private long started;

        Group(Connection target, ReplayCursor cursor, Applier applier) {
            this.target = target;
            this.cursor = cursor;
            this.applier = applier;
        }

        void add(Transaction tx) {
            if (size == 0) started = System.nanoTime();
            last = tx;
            size++;
        }

        boolean isEmpty() {
            return size == 0;
        }

        boolean isFull() {
            return size >= MAX_TRANSACTIONS || System.nanoTime() - started > MAX_NANOS;
        }

        void commit() throws ReplayException, SQLException {
            if (size == 0 || applier == null) return;
            applier.flushBatch();
            cursor.advance(last.commitSeq(), last.restartSeq(), size);
            target.commit();
            size = 0;
        }
    }

    private InDoubtResolver resolver(Connection source) {
        return (txId, dbTxid, conn) -> {
            if (source != null && dbTxid >= 0) {
                try (PreparedStatement ps = source.prepareStatement("SELECT txid_status(?)")) {
                    ps.setLong(1, dbTxid);
                    try (ResultSet rs = ps.executeQuery()) {
                        String s = rs.next() ? rs.getString(1) : null;
                        if ("committed".equals(s)) return InDoubtResolver.Decision.COMMITTED;
                        if ("aborted".equals(s)) return InDoubtResolver.Decision.ROLLED_BACK;
                    }
                } catch (SQLException e) {
                    // fall through to the policy
                }
            }
            return switch (inDoubt) {
                case COMMIT -> InDoubtResolver.Decision.COMMITTED;
                case ROLLBACK -> InDoubtResolver.Decision.ROLLED_BACK;
                case FAIL -> InDoubtResolver.Decision.UNKNOWN;
            };
        };
    }

    /** Applies transactions to the target connection. */
    private static final class Applier {
        private final Connection target;
        private final TargetCatalog catalog;
        private final Map<String, PreparedStatement> prepared = new LinkedHashMap<>();
        private final Map<Integer, List<String>> sessionSets = new HashMap<>();
        /** Sequence → the highest value row images put into a column it owns, not yet applied to the sequence. */
        private final Map<String, Long> pendingSequences = new LinkedHashMap<>();
        private int currentConnection = -1;
        private Map<String, String> currentSession = Map.of();
        private final io.waly.jdbc.sql.SqlClassifier classifier =
                new io.waly.jdbc.sql.SqlClassifier(new io.waly.jdbc.sql.CommandParser());
        /**
         * Consecutive executions of one prepared SQL (across statements and transactions) go to the server as one
         * JDBC batch: replay's speed is a batch loader's. Anything else flushes the batch first, so order holds.
         */
        private PreparedStatement batch;
        private String batchSql;
        private final List<Long> batchSeqs = new ArrayList<>();
        private final List<String> batchSourceSql = new ArrayList<>();
        private static final int MAX_BATCH = 2000;

        @FunctionalInterface
        private interface Binder {
            void bind(PreparedStatement ps) throws SQLException;
        }

        private void addToBatch(long seq, String sourceSql, String sql, Binder binder) throws ReplayException, SQLException {
            if (!sql.equals(batchSql)) flushBatch();
            if (batch == null) {
                batch = prepared(sql);
                batchSql = sql;
            }
            try {
                binder.bind(batch);
                batch.addBatch();
            } catch (SQLException e) {
                fail(seq, sourceSql, null, e);
            }
            batchSeqs.add(seq);
            batchSourceSql.add(sourceSql);
            if (batchSeqs.size() >= MAX_BATCH) flushBatch();
        }

        void flushBatch() throws ReplayException, SQLException {
            if (batchSeqs.isEmpty()) return;
            try {
                batch.executeBatch();
            } catch (SQLException e) {
                int failed = e instanceof java.sql.BatchUpdateException b ? Math.min(b.getUpdateCounts().length, batchSeqs.size() - 1) : 0;
                SQLException cause = e.getNextException() != null ? e.getNextException() : e;
                fail(batchSeqs.get(failed), batchSourceSql.get(failed), null, cause);
            } finally {
                batchSeqs.clear();
                batchSourceSql.clear();
                batchSql = null;
                batch = null;
            }
        }

        /** An autocommitted statement PostgreSQL runs outside a transaction block (the driver did not wrap it). */
        boolean isNonTransactional(Transaction tx) {
            if (!tx.autocommit() || tx.steps().size() != 1 || !(tx.steps().get(0) instanceof Transaction.StatementStep st)) return false;
            return classifier.classify(st.statement().sql()).kind().runsOutsideTransaction();
        }

        Applier(Connection target) {
            this.target = target;
            this.catalog = new TargetCatalog(target);
        }

        void apply(Transaction tx, ReplaySummary summary) throws ReplayException, SQLException {
            switchSession(tx);
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
                    if (isNonTransactional(tx) && classifier.classify(st.statement().sql()).routine()) {
                        rerunFailedRoutine(st);
                        summary.statements++;
                    } else {
                        summary.skippedStatements++;
                    }
                    continue;
                }
                applyStatement(tx, st, summary);
                summary.statements++;
            }
        }

        private void applyStatement(Transaction tx, Transaction.StatementStep st, ReplaySummary summary)
                throws ReplayException, SQLException {
            Payloads.Statement s = st.statement();
            Command cmd = s.command();
            // COMMIT/ROLLBACK PREPARED logged as statements (their transaction was prepared outside the log's view)
            io.waly.jdbc.sql.SqlKind kind = cmd instanceof Command.Sql ? classifier.classify(s.sql()).kind() : null;
            if (kind == io.waly.jdbc.sql.SqlKind.ROLLBACK_PREPARED) return;   // its transaction never reached this log as committed
            if (kind == io.waly.jdbc.sql.SqlKind.COMMIT_PREPARED) {
                throw new ReplayException("statement " + st.seq() + " commits a transaction prepared outside this log's view (by "
                        + "another process, or before the application restarted): its writes are not in the log as that "
                        + "transaction's, so replay cannot apply them\n  SQL: " + abbreviate(s.sql()), st.seq(), null);
            }
            if (cmd instanceof Command.Ddl) catalog.invalidate();
            Payloads.Effect rows = rowsEffect(st.outcome());
            if (rows != null && applyImages(st.seq(), s, cmd, rows, summary)) {
                noteSequenceValues(st.outcome());
                return;
            }
            syncSequences();
            pinSequences(st.seq(), st.outcome());
            if (s.copyData() != null) {
                run(st.seq(), s.sql(), st, () -> {
                    try {
                        target.unwrap(PGConnection.class).getCopyAPI().copyIn(s.sql(), new ByteArrayInputStream(s.copyData()));
                    } catch (java.io.IOException e) {
                        throw new SQLException("COPY data could not be sent: " + e.getMessage(), "58030", e);
                    }
                });
                return;
            }
            if (cmd instanceof Command.Setting || cmd instanceof Command.Sql sql && SESSION_KINDS.contains(sql.kind())) {
                trackSession(tx.connection(), s.sql());
            }
            if (!s.prepared()) {
                run(st.seq(), s.sql(), st, () -> {
                    try (Statement stmt = target.createStatement()) {
                        stmt.execute(s.sql());
                    }
                });
                return;
            }
            Binder binder = ps -> bind(ps, s);
            if (batchable(cmd)) {
                addToBatch(st.seq(), s.sql(), s.sql(), binder);
                return;
            }
            run(st.seq(), s.sql(), st, () -> {
                PreparedStatement ps = prepared(s.sql());
                binder.bind(ps);
                ps.execute();
                while (ps.getMoreResults() || ps.getUpdateCount() != -1) { /* drain */ }
            });
        }

        /**
         * An autocommitted CALL or DO that failed on the source after committing part of its work (the log ends it
         * committed, reason "routine-failed"): run again, it must commit the same part and fail the same way.
         */
        private void rerunFailedRoutine(Transaction.StatementStep st) throws ReplayException, SQLException {
            flushBatch();
            Payloads.Statement s = st.statement();
            String expected = st.outcome() == null ? null : st.outcome().sqlState();
            try {
                if (s.prepared()) {
                    PreparedStatement ps = prepared(s.sql());
                    bind(ps, s);
                    ps.execute();
                } else {
                    try (Statement stmt = target.createStatement()) {
                        stmt.execute(s.sql());
                    }
                }
            } catch (SQLException e) {
                if (java.util.Objects.equals(e.getSQLState(), expected)) return;
                throw new ReplayException("statement " + st.seq() + " failed on the source (SQLState " + expected + ") and on the "
                        + "target otherwise: " + e.getMessage() + " [SQLState " + e.getSQLState() + "]\n  SQL: " + abbreviate(s.sql())
                        + "\nWhat it committed inside before failing stays on the target; compare the tables before going on.",
                        st.seq(), e);
            }
            throw new ReplayException("statement " + st.seq() + " failed on the source (SQLState " + expected + ") but succeeded "
                    + "on the target, which now holds what the source's run did not commit\n  SQL: " + abbreviate(s.sql()), st.seq(), null);
        }

        /** Binds a logged statement's parameters with the JDBC types they were bound with on the source. */
        private void bind(PreparedStatement ps, Payloads.Statement s) throws SQLException {
            List<Value> params = s.params();
            int[] types = s.jdbcTypes();
            for (int i = 0; i < params.size(); i++) {
                JdbcValues.bind(target, ps, i + 1, params.get(i), types != null && i < types.length ? types[i] : 0);
            }
        }

        /** True when the transaction holds anything but plain DML (DDL, SET, DO, CALL, …). */
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

        /** A write that returns no rows: it can go in a JDBC batch. */
        private static boolean batchable(Command c) {
            if (c instanceof Command.Insert i) return i.returning() == null;
            if (c instanceof Command.Upsert u) return u.insert().returning() == null;
            if (c instanceof Command.Update u) return u.returning() == null;
            if (c instanceof Command.Delete d) return d.returning() == null;
            return false;
        }

        private static Payloads.Effect rowsEffect(Payloads.Outcome o) {
            if (o == null || o.effects() == null) return null;
            for (Payloads.Effect e : o.effects()) if (Payloads.Effect.ROWS.equals(e.kind())) return e;
            return null;
        }

        /**
         * Applies the rows a statement produced instead of re-running it; false when the table cannot take them
         * (unknown on the target, or an update/delete without a primary key), and the statement is run instead.
         */
        private boolean applyImages(long seq, Payloads.Statement s, Command cmd, Payloads.Effect rows, ReplaySummary summary)
                throws ReplayException, SQLException {
            TargetCatalog.TableShape t = catalog.table(rows.target());
            if (t == null) return false;
            boolean insert = cmd instanceof Command.Insert || cmd instanceof Command.Upsert || cmd instanceof Command.Sql;
            boolean delete = cmd instanceof Command.Delete;
            if ((!insert || cmd instanceof Command.Upsert) && t.primaryKey().isEmpty()) return false;
            // an image carries the row's new key only: an UPDATE that changes the key cannot find its row by it
            if (cmd instanceof Command.Update u && u.set() != null
                    && u.set().stream().anyMatch(a -> t.primaryKey().stream().anyMatch(k -> k.equalsIgnoreCase(a.column())))) {
                return false;
            }
            List<String> cols = new ArrayList<>();
            List<Integer> idx = new ArrayList<>();
            for (int i = 0; i < rows.columns().size(); i++) {
                if (t.writable().contains(rows.columns().get(i))) {
                    cols.add(rows.columns().get(i));
                    idx.add(i);
                }
            }
            String sql;
            List<Integer> bindOrder = new ArrayList<>();
            if (delete) {
                sql = "DELETE FROM " + t.quotedName() + " WHERE " + keyCondition(t, rows, bindOrder);
            } else if (insert) {
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
                sql = b.toString();
                noteSequences(t, rows);
            } else {
                StringBuilder b = new StringBuilder("UPDATE ").append(t.quotedName()).append(" SET ");
                List<String> sets = new ArrayList<>();
                for (int k = 0; k < cols.size(); k++) {
                    if (t.alwaysIdentity().contains(cols.get(k))) continue;   // may not be set, and never changes
                    sets.add(TargetCatalog.quote(cols.get(k)) + " = ?");
                    bindOrder.add(idx.get(k));
                }
                b.append(String.join(", ", sets)).append(" WHERE ");
                b.append(keyCondition(t, rows, bindOrder));
                sql = b.toString();
            }
            for (List<Value> row : rows.rows()) {
                addToBatch(seq, s.sql(), sql, ps -> {
                    for (int p = 0; p < bindOrder.size(); p++) bindImage(ps, p + 1, row.get(bindOrder.get(p)));
                });
            }
            summary.rowsFromEffects += rows.rows().size();
            return true;
        }

        private static String keyCondition(TargetCatalog.TableShape t, Payloads.Effect rows, List<Integer> bindOrder) {
            List<String> conds = new ArrayList<>();
            for (String k : t.primaryKey()) {
                conds.add(TargetCatalog.quote(k) + " = ?");
                bindOrder.add(rows.columns().indexOf(k));
            }
            return String.join(" AND ", conds);
        }

        /** Row images carry the database's text for dates and times, with their type: the server parses them back. */
        private void bindImage(PreparedStatement ps, int i, Value v) throws SQLException {
            switch (v.kind()) {
                case DATE, TIME, TIMETZ, TIMESTAMP, TIMESTAMPTZ, INTERVAL, JSON, OTHER -> {
                    if (v.value() == null) ps.setNull(i, java.sql.Types.OTHER);
                    else ps.setObject(i, v.value(), java.sql.Types.OTHER);
                }
                case NULL -> ps.setNull(i, java.sql.Types.NULL);
                default -> JdbcValues.bind(target, ps, i, v, 0);
            }
        }

        /**
         * Every source connection has its own session: apply its settings when replay moves to its transactions. These
         * Sql kinds may change it besides {@link Command.Setting} (SET and RESET: SET TRANSACTION, and older logs).
         */
        private static final java.util.Set<String> SESSION_KINDS = java.util.Set.of("SET", "RESET", "DISCARD");

        /**
         * Keeps the session-level SETs and RESETs of a source connection, in order, so that its session is rebuilt when
         * replay comes back to it ({@link #switchSession}); RESET ALL and DISCARD ALL start it over. SET LOCAL,
         * SET TRANSACTION and SET CONSTRAINTS last only for their transaction.
         */
        private void trackSession(int connection, String sql) {
            List<io.waly.jdbc.sql.SqlLexer.Token> tokens = io.waly.jdbc.sql.SqlLexer.tokenize(sql);
            if (tokens.isEmpty() || tokens.get(0).type() != io.waly.jdbc.sql.SqlLexer.Type.WORD) return;
            String first = tokens.get(0).text();
            String second = tokens.size() > 1 && tokens.get(1).type() == io.waly.jdbc.sql.SqlLexer.Type.WORD ? tokens.get(1).text() : "";
            List<String> sets = sessionSets.computeIfAbsent(connection, k -> new ArrayList<>());
            switch (first) {
                case "set" -> {
                    if (!second.equals("local") && !second.equals("transaction") && !second.equals("constraints")) sets.add(sql);
                }
                case "reset" -> {
                    if (second.equals("all")) sets.clear();
                    else sets.add(sql);
                }
                case "discard" -> {
                    if (second.equals("all")) sets.clear();
                }
                default -> { }
            }
        }

        private void switchSession(Transaction tx) throws ReplayException, SQLException {
            if (tx.connection() == currentConnection && tx.session().equals(currentSession)) return;
            flushBatch();
            try (Statement s = target.createStatement()) {
                s.execute("RESET ALL");
                for (Map.Entry<String, String> e : tx.session().entrySet()) {
                    String key = e.getKey();
                    if (key.equals("client_encoding") || key.equals("application_name")) continue;
                    s.execute("SELECT set_config('" + key.replace("'", "''") + "', '" + e.getValue().replace("'", "''") + "', false)");
                }
                for (String set : sessionSets.getOrDefault(tx.connection(), List.of())) s.execute(set);
            }
            currentConnection = tx.connection();
            currentSession = tx.session();
        }

        private PreparedStatement prepared(String sql) throws SQLException {
            PreparedStatement ps = prepared.get(sql);
            if (ps == null) {
                if (prepared.size() > 256) {
                    PreparedStatement eldest = prepared.remove(prepared.keySet().iterator().next());
                    eldest.close();
                }
                ps = target.prepareStatement(sql);
                prepared.put(sql, ps);
            }
            return ps;
        }

        @FunctionalInterface
        private interface Action {
            void run() throws SQLException;
        }

        private void run(long seq, String sql, Transaction.StatementStep st, Action action) throws ReplayException, SQLException {
            flushBatch();
            try {
                action.run();
            } catch (SQLException e) {
                fail(seq, sql, st, e);
            }
        }

        private void fail(long seq, String sql, Transaction.StatementStep st, SQLException e) throws ReplayException, SQLException {
            batchSeqs.clear();
            batchSourceSql.clear();
            batchSql = null;
            batch = null;
            if (!target.getAutoCommit()) target.rollback();
            currentConnection = -1;
            String source = st == null || st.outcome() == null ? "succeeded"
                    : "succeeded" + (st.outcome().counts() != null ? " (counts " + java.util.Arrays.toString(st.outcome().counts()) + ")" : "");
            throw new ReplayException("statement " + seq + " failed on the target although it " + source + " on the source: "
                    + e.getMessage() + " [SQLState " + e.getSQLState() + "]\n  SQL: " + abbreviate(sql)
                    + "\nNothing of its transaction was applied; the cursor stays before it.", seq, e);
        }

        /**
         * A re-executed INSERT that drew serial values on the source: put each sequence where the source's stood
         * before the statement (its last value then, less the values the statement drew), so that it draws the same.
         */
        private void pinSequences(long seq, Payloads.Outcome o) throws ReplayException, SQLException {
            if (o == null || o.effects() == null) return;
            for (Payloads.Effect e : o.effects()) {
                if (!Payloads.Effect.SEQUENCE.equals(e.kind()) || e.rows().isEmpty() || !e.columns().contains("rows")) continue;
                long last = ((Number) e.rows().get(0).get(0).value()).longValue();
                long drawn = e.rows().get(0).size() > 1 ? ((Number) e.rows().get(0).get(1).value()).longValue() : 1;
                String sql = "SELECT CASE WHEN ? - ? * seqincrement >= seqmin THEN setval(seqrelid, ? - ? * seqincrement, true) "
                        + "ELSE setval(seqrelid, seqmin, false) END FROM pg_sequence WHERE seqrelid = ?::regclass";
                run(seq, sql, null, () -> {
                    try (PreparedStatement ps = target.prepareStatement(sql)) {
                        ps.setLong(1, last);
                        ps.setLong(2, drawn);
                        ps.setLong(3, last);
                        ps.setLong(4, drawn);
                        ps.setString(5, e.target());
                        ps.executeQuery().close();
                    }
                });
                pendingSequences.remove(e.target());
            }
        }

        /**
         * A statement applied from its images drew from sequences by name ({@code nextval('s')}) on the source but
         * not here: remember where they stood after it, to move them there (forward only) before anything draws.
         */
        private void noteSequenceValues(Payloads.Outcome o) {
            for (Payloads.Effect e : o.effects()) {
                if (!Payloads.Effect.SEQUENCE.equals(e.kind()) || e.columns().contains("rows") || e.rows().isEmpty()) continue;
                if (e.rows().get(0).get(0).value() instanceof Number n) pendingSequences.merge(e.target(), n.longValue(), Math::max);
            }
        }

        /** Remembers, from the images themselves, how far the table's sequences must move. */
        private void noteSequences(TargetCatalog.TableShape t, Payloads.Effect rows) {
            for (Map.Entry<String, String> e : t.sequences().entrySet()) {
                int col = rows.columns().indexOf(e.getKey());
                if (col < 0) continue;
                long max = Long.MIN_VALUE;
                for (List<Value> row : rows.rows()) {
                    Object v = row.get(col).value();
                    if (v instanceof Number n) max = Math.max(max, n.longValue());
                    else if (v instanceof String str && str.matches("-?\\d{1,18}")) max = Math.max(max, Long.parseLong(str));
                }
                if (max != Long.MIN_VALUE) pendingSequences.merge(e.getValue(), max, Math::max);
            }
        }

        /**
         * Moves sequences past the values row images put in, before anything that might draw from them runs (a
         * re-executed statement, or the end of the replay): a restored database never hands out a colliding key.
         */
        void syncSequences() throws ReplayException, SQLException {
            if (pendingSequences.isEmpty()) return;
            flushBatch();
            for (Map.Entry<String, Long> e : pendingSequences.entrySet()) {
                String sql = "SELECT setval(?::regclass, ?) FROM " + e.getKey() + " s WHERE " + behind("?");
                try (PreparedStatement ps = target.prepareStatement(sql)) {
                    ps.setString(1, e.getKey());
                    ps.setLong(2, e.getValue());
                    ps.setLong(3, e.getValue());
                    ps.setLong(4, e.getValue());
                    ps.executeQuery().close();
                }
            }
            pendingSequences.clear();
        }

        /**
         * SQL over the sequence relation {@code s}: true when its next value would not pass {@code value} — the next
         * value is last_value + increment once called, last_value itself before — so that moving it there is forward.
         */
        private static String behind(String value) {
            return "(s.is_called AND s.last_value < " + value + ") OR (NOT s.is_called AND s.last_value <= " + value + ")";
        }

        private static final String SEQUENCE_COLUMNS = """
                SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), quote_ident(a.attname),
                """ + io.waly.jdbc.capture.EffectsCatalog.COLUMN_SEQUENCE + """

                  FROM pg_class c
                  JOIN pg_namespace n ON n.oid = c.relnamespace
                  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                 WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'waly')
                   AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
                   AND a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype)""";

        /**
         * At the end of a replay, every ascending sequence an integer column draws from is moved past the highest value
         * the column holds, wherever it stands below it: statements replay ran again (an UPDATE of the key) and keys
         * given explicitly can put values past it that no image told of. A restored database never hands out a key it
         * already holds, even where the source's own sequence had fallen behind its table.
         */
        void moveSequencesPastTables() throws SQLException {
            List<String[]> columns = new ArrayList<>();
            try (Statement s = target.createStatement(); ResultSet rs = s.executeQuery(SEQUENCE_COLUMNS)) {
                while (rs.next()) if (rs.getString(3) != null) columns.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
            }
            for (String[] c : columns) {
                String sql = "SELECT setval(q.seqrelid, x.m) FROM (SELECT max(" + c[1] + ")::bigint AS m FROM " + c[0] + ") x, "
                        + "pg_sequence q, " + c[2] + " s WHERE q.seqrelid = ?::regclass AND q.seqincrement > 0 AND x.m IS NOT NULL "
                        + "AND x.m BETWEEN q.seqmin AND q.seqmax "
                        + "AND (" + behind("x.m") + ")";
                try (PreparedStatement ps = target.prepareStatement(sql)) {
                    ps.setString(1, c[2]);
                    ps.executeQuery().close();
                }
            }
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 500 ? s : s.substring(0, 500) + "… (" + s.length() + " characters)";
    }

    /** Fluent configuration of a replay. */
    public static final class Builder {
        private Path log;
        private String target;
        private final Properties targetProps = new Properties();
        private long toSeq;
        private Instant toTime;
        private boolean follow;
        private boolean dryRun;
        private boolean force;
        private InDoubtPolicy inDoubt = InDoubtPolicy.FAIL;
        private String source;
        private final Properties sourceProps = new Properties();
        private ReplayListener listener = ReplayListener.NONE;

        public Builder log(Path dir) {
            this.log = dir;
            return this;
        }

        public Builder target(String jdbcUrl) {
            this.target = jdbcUrl;
            return this;
        }

        public Builder targetUser(String user) {
            if (user != null) targetProps.setProperty("user", user);
            return this;
        }

        public Builder targetPassword(String password) {
            if (password != null) targetProps.setProperty("password", password);
            return this;
        }

        public Builder toSeq(long seq) {
            this.toSeq = seq;
            return this;
        }

        public Builder toTime(Instant t) {
            this.toTime = t;
            return this;
        }

        public Builder follow(boolean follow) {
            this.follow = follow;
            return this;
        }

        public Builder dryRun(boolean dryRun) {
            this.dryRun = dryRun;
            return this;
        }

        public Builder force(boolean force) {
            this.force = force;
            return this;
        }

        public Builder inDoubt(InDoubtPolicy policy) {
            this.inDoubt = policy;
            return this;
        }

        /** The source database, asked about in-doubt transactions ({@code txid_status}). */
        public Builder source(String jdbcUrl, String user, String password) {
            this.source = jdbcUrl;
            if (user != null) sourceProps.setProperty("user", user);
            if (password != null) sourceProps.setProperty("password", password);
            return this;
        }

        public Builder listener(ReplayListener listener) {
            this.listener = listener;
            return this;
        }

        public JdbcReplayer build() {
            if (log == null) throw new IllegalArgumentException("a log directory is required");
            if (target == null && !dryRun) throw new IllegalArgumentException("a target URL is required");
            return new JdbcReplayer(this);
        }
    }
}
