package io.waly.jdbc.replay;

import io.waly.log.replay.ReplayException;
import io.waly.log.replay.ReplayPosition;
import io.waly.log.replay.ReplaySummary;
import io.waly.log.replay.ReplayTarget;
import io.waly.log.tx.Transaction;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Replay into PostgreSQL (any database pgjdbc reaches). Consecutive DML-only source transactions are applied in one
 * target transaction — up to {@value #MAX_GROUP} of them or one second — with one cursor move: the source's
 * transaction boundaries only decide what is in the log, so grouping changes no result and saves a commit (an fsync
 * on the target) per source transaction. A group ends at DDL, at statements PostgreSQL runs outside a transaction
 * block (those run so here too), and whenever the replay pauses; at each end the target's sequences stand where the
 * source's did or past its tables, so a follower can be promoted at any commit.
 */
public final class PostgresTarget implements ReplayTarget {

    static final int MAX_GROUP = 1000;
    private static final long MAX_GROUP_NANOS = 1_000_000_000L;

    private final String url;
    private final Properties props;
    private Connection target;
    private ReplayCursor cursor;
    private TransactionApplier applier;
    private ReplayPosition last;   // the position the next flush stores
    private boolean unsaved;       // last differs from what the cursor holds
    private int groupSize;
    private long groupStarted;
    private VersionShift versions;   // null: every transaction as written
    private io.waly.jdbc.commands.BodiesInVersion commandBodies;   // null: commands' statements mapped as any

    /** A target whose URL carries everything pgjdbc needs ({@code ?user=…}). */
    public PostgresTarget(String url) {
        this(url, new Properties());
    }

    /** @param props pgjdbc's connection properties ({@code user}, {@code password}, …); the URL may carry them too */
    public PostgresTarget(String url, Properties props) {
        this.url = url;
        this.props = props;
    }

    /**
     * Replays into the schema version {@code version} of the model's {@code versions} ({@code waly replay
     * --schema-version}): migrations past it are left out, and rows written under other versions are mapped by the
     * model's up/down expressions, which the target evaluates ({@link VersionShift}). The mappings are type-checked on
     * the target when it opens, before anything is written.
     *
     * @throws IllegalArgumentException when the model has no such version
     */
    public PostgresTarget intoVersion(io.waly.model.Versions versions, String version) {
        this.versions = new VersionShift(versions, versions.version(version));
        return this;
    }

    /**
     * With {@link #intoVersion}: an application command written under another version than the target's whose body
     * differs there runs the target version's body with its record's arguments ({@link io.waly.jdbc.commands.BodiesInVersion}).
     */
    public PostgresTarget commandBodies(io.waly.model.Commands commands) {
        this.commandBodies = commands.hasBodiesPerVersion() ? new io.waly.jdbc.commands.BodiesInVersion(commands) : null;
        return this;
    }

    @Override
    public State open(String logId) throws ReplayException {
        try {
            target = DriverManager.getConnection(url, props);
            target.setAutoCommit(false);
            cursor = ReplayCursor.open(target, logId);
            ReplayPosition at = cursor.read();
            boolean holdsData = holdsData(target);
            target.commit();
            applier = new TransactionApplier(target);
            if (versions != null) {
                versions.check(target);
                target.commit();
            }
            return new State(at, holdsData);
        } catch (SQLException e) {
            throw targetFailed("cannot open the target " + url.replaceAll("password=[^&]*", "password=********"), e);
        }
    }

    @Override
    public void start(ReplayPosition from) {
        last = from;
    }

    @Override
    public void apply(Transaction tx, ReplaySummary summary) throws ReplayException {
        try {
            if (versions != null) {
                Transaction original = tx;
                io.waly.jdbc.commands.BodiesInVersion.Split split = commandBodies == null ? null
                        : commandBodies.split(tx, versions.writtenUnder(tx), versions.current());
                if (split != null) tx = split.rest();
                Transaction shifted = versions.shift(tx, target, applier.catalog());
                if (shifted != null && split != null) shifted = commandBodies.merge(split, original, shifted);
                if (shifted == null) {   // a migration past the target's version: the cursor moves past it all the same
                    if (groupSize == 0) beginGroup();
                    applied(original);
                    return;
                }
                tx = shifted;
            }
            if (applier.isNonTransactional(tx)) {
                // VACUUM, SET, CALL, … ran outside a transaction block on the source: so they do here, and the cursor
                // moves right after (a crash in between runs one statement again, which such statements tolerate)
                flush();
                target.setAutoCommit(true);
                try {
                    applier.apply(tx, summary);
                } finally {
                    target.setAutoCommit(false);
                }
                applied(tx);
                flush();
                return;
            }
            boolean ddl = TransactionApplier.changesSchema(tx);
            // DDL gets a group of its own: what the group before it left pending (deferred constraint triggers) runs at
            // its commit, as it did at its source transactions' commits; and some DDL takes effect for later statements
            // only once committed (a new enum value)
            if (ddl) flush();
            if (groupSize == 0) beginGroup();
            applier.apply(tx, summary);
            applied(tx);
            if (ddl || groupSize >= MAX_GROUP || System.nanoTime() - groupStarted > MAX_GROUP_NANOS) flush();
        } catch (SQLException e) {
            throw targetFailed("the target failed while applying transaction " + tx.txId() + " (commit " + tx.commitSeq() + ")", e);
        }
    }

    /**
     * A group's target transaction is read-write whatever the replayed sessions made their default
     * ({@code SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY}): their transactions that wrote did so on the
     * source, and replay's own work writes too. It must be the transaction's first statement.
     */
    private void beginGroup() throws SQLException {
        try (Statement s = target.createStatement()) {
            s.execute("SET TRANSACTION READ WRITE");
        }
    }

    private void applied(Transaction tx) {
        if (groupSize == 0) groupStarted = System.nanoTime();
        groupSize++;
        last = new ReplayPosition(tx.commitSeq(), tx.restartSeq());
        unsaved = true;
    }

    @Override
    public boolean pending() {
        return groupSize > 0;
    }

    @Override
    public void flush() throws ReplayException {
        if (!unsaved && groupSize == 0) return;
        try {
            applier.settle();
            if (unsaved && last.commitSeq() > 0) {
                ReplayPosition to = last;
                long n = groupSize;
                AsReplayUser.untilCommit(target, () -> cursor.advance(to, n));
            }
            target.commit();
            unsaved = false;
            groupSize = 0;
        } catch (SQLException e) {
            throw targetFailed("the target failed to commit the transactions applied up to commit " + last.commitSeq(), e);
        }
    }

    @Override
    public void finish(ReplaySummary summary) throws ReplayException {
        flush();
        if (versions != null) summary.notes.addAll(versions.notes());
        if (commandBodies != null && commandBodies.note() != null) summary.notes.add(commandBodies.note());
        summary.notes.add("cursor: " + cursor.describe());
    }

    @Override
    public void close() {
        try {
            if (cursor != null) cursor.close();
        } catch (SQLException ignored) {
            // closing the connection below releases it too
        }
        try {
            if (target != null) target.close();
        } catch (SQLException ignored) {
            // nothing more to save
        }
    }

    /**
     * Where a replay of the log {@code logId} (hex) into the database {@code c} is connected to stands, without
     * claiming anything: null when the log was never replayed there. For operators and tests; a replay reads its own.
     */
    public static ReplayPosition cursor(Connection c, String logId) throws SQLException {
        boolean autocommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            if (TableCursor.holds(c, logId)) return new TableCursor(c, logId).read();
            return OriginCursor.peek(c, logId);
        } finally {
            c.rollback();
            c.setAutoCommit(autocommit);
        }
    }

    /** True when the target holds relations of its own outside WAL-y's schema (so it is not a fresh restore target). */
    static boolean holdsData(Connection target) throws SQLException {
        try (Statement s = target.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                     + "ON n.oid = c.relnamespace WHERE c.relkind IN ('r','p','v','m','S','f') "
                     + "AND n.nspname NOT IN ('pg_catalog','information_schema','waly') "
                     + "AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'")) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    private static ReplayException targetFailed(String what, SQLException e) {
        return new ReplayException(ReplayException.Kind.TARGET_FAILED, what + ": " + e.getMessage() + " [SQLState "
                + e.getSQLState() + "]", 0, e);
    }
}
