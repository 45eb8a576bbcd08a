package io.waly.jdbc.policy;

import io.waly.command.Command;
import io.waly.command.Value;
import io.waly.jdbc.WalySQLException;
import io.waly.jdbc.WalyState;
import io.waly.jdbc.capture.ConnectionCapture;
import io.waly.jdbc.capture.StatementLog;
import io.waly.jdbc.config.WalyConfig;
import io.waly.jdbc.sql.SqlInfo;
import io.waly.log.LogException;
import io.waly.log.LogSink;
import io.waly.log.format.RecordKind;
import io.waly.log.payload.Payloads;
import io.waly.model.HashPlan;
import io.waly.model.Model;
import io.waly.model.Policies;
import io.waly.model.Rule;
import io.waly.model.Verdict;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The model's mutation policies on one connection: what {@link ConnectionCapture} asks at its write-ahead hook. Driver-
 * internal.
 *
 * <p>The verdict on a statement is taken once per SQL text (the classifier's cache) and kind of connection (the model,
 * the role it logged in as, {@code walyAppVersion}), and kept with the text's {@link SqlInfo}: a connection with no model
 * costs nothing ({@link #NONE}), a statement no rule touches one identity check.
 *
 * <ul>
 *   <li>{@link #admit}: before anything reaches the database. A statement an enforced rule denies is refused with
 *       {@link WalyState#POLICY_REFUSED}, recorded in the log (a POLICY record: who, what, which rule); inside the
 *       application's transaction, the transaction is left aborted as a failing statement leaves it (WAL-y sends the
 *       database an error of its own, {@code RAISE … USING ERRCODE = 'WY001'}: pgjdbc's autosave then restores it as it
 *       would after any failing statement).</li>
 *   <li>{@link #guard}: around the database work, after the statement is in the log. Warnings go to the logger and
 *       the log; a statement with a row limit runs behind a savepoint (inside the application's transaction; outside
 *       one, in a transaction of WAL-y's making) and, when it changed more rows than the limit, is rolled back to before
 *       it and refused with {@link WalyState#ROW_LIMIT_EXCEEDED}.</li>
 *   <li>{@link #recorded}: what the log holds of a statement — its values of hashed columns hashed.</li>
 * </ul>
 */
public final class PolicyGuard {
    /** No model, or a model with no policy that can touch a write. */
    public static final PolicyGuard NONE = new PolicyGuard(null, null, null, null, 0, null);

    /** One scope per (policies, role, version), shared by connections alike, so that their verdicts are shared too. */
    private record Scope(Policies policies, String role, String appVersion) {}

    private static final Map<Scope, Scope> SCOPES = new ConcurrentHashMap<>();

    private final Scope scope;
    private final Model model;
    private final LogSink log;
    private final Connection physical;
    private final int connection;
    private final LongSupplier txId;

    private PolicyGuard(Scope scope, Model model, LogSink log, Connection physical, int connection, LongSupplier txId) {
        this.scope = scope;
        this.model = model;
        this.log = log;
        this.physical = physical;
        this.connection = connection;
        this.txId = txId;
    }

    /** The guard of a new connection; {@link #NONE} without a model. {@code txId}: the log's open transaction, 0 for none. */
    public static PolicyGuard of(WalyConfig config, Connection physical, LogSink log, int connection, LongSupplier txId)
            throws SQLException {
        Model model = config.model();
        if (model == null || model.policies().isEmpty()) return NONE;
        String role = physical.getMetaData().getUserName();
        Scope s = SCOPES.computeIfAbsent(new Scope(model.policies(), role, config.appVersion()), k -> k);
        return new PolicyGuard(s, model, log, physical, connection, txId);
    }

    /** The verdict on the statement's shape, taken once. */
    public Verdict verdict(SqlInfo info) {
        if (scope == null) return Verdict.NONE;
        SqlInfo.Decided d = info.decided();
        if (d != null && d.scope() == scope) return d.verdict();
        Verdict v = scope.policies().decide(info.command(), scope.role(), scope.appVersion());
        info.decided(new SqlInfo.Decided(scope, v));
        return v;
    }

    /**
     * Once per connection, before its first record: the recording policy it writes under, so that {@code waly stats}
     * and a replay can say what the log leaves out.
     */
    public void recordingPolicy() {
        if (scope == null || scope.policies().recording().isEmpty()) return;
        var rec = scope.policies().recording();
        append(Payloads.Policy.recording(connection, model.shortId(), rec.unloggedTables(), rec.hashedColumns()));
    }

    /**
     * Before anything is sent: refuses a statement an enforced rule denies.
     *
     * @param statements the statements of the write (their text and parameters go into the refusal's record); empty for
     *                   a COPY started through pgjdbc's CopyManager, whose record then has its command only
     * @param inTransaction the application's transaction is open (not autocommit): it is left aborted
     */
    public Verdict admit(SqlInfo info, List<StatementLog> statements, boolean inTransaction) throws SQLException {
        Verdict v = verdict(info);
        StatementLog refused = statements.isEmpty() ? null : statements.get(0);
        for (StatementLog st : statements) {   // a batch of different statements (Statement.addBatch): each is judged
            if (v.refusal() != null) break;
            if (st.info() != info) {
                Verdict other = verdict(st.info());
                if (other.refusal() != null) {
                    v = other;
                    info = st.info();
                    refused = st;
                }
            }
        }
        if (v.refusal() == null) return verdict(statements.isEmpty() ? info : statements.get(0).info());
        Rule rule = v.refusal();
        String reason = rule.explain(info.command());
        append(decision(Payloads.Policy.REFUSED, rule, reason, WalyState.POLICY_REFUSED, info, refused, v, -1));
        PolicyLog.warn("WAL-y refused a statement on connection {} (rule {}: {})", connection, rule.name(), reason);
        if (inTransaction) abortTransaction(WalyState.POLICY_REFUSED, rule);
        throw new WalySQLException("WAL-y refused the statement: rule " + rule.name() + " (" + reason + ") of " + model
                + ". Nothing was sent to the database.", WalyState.POLICY_REFUSED);
    }

    /**
     * The database work of a write, as the verdict wants it run: warnings first (the statements are in the log, the
     * database has not run them), then the work; with a limit, behind a savepoint when {@code inTransaction} (outside
     * one the write runs in a transaction of WAL-y's making, which the refusal rolls back), and refused when it changed
     * more rows than allowed. A statement PostgreSQL runs outside any transaction ({@code asSent}: VACUUM, CALL, …)
     * cannot be rolled back: its limits are only watched.
     */
    public <T> ConnectionCapture.Work<T> guard(Verdict v, List<StatementLog> statements, boolean inTransaction,
                                               boolean asSent, ConnectionCapture.Work<T> work) {
        if (v.warnings().isEmpty() && !v.countsRows()) return work;
        return () -> {
            SqlInfo info = statements.get(0).info();
            for (Rule r : v.warnings()) warn(r, r.explain(info.command()), info, statements.get(0), v, -1);
            if (!v.countsRows()) return work.run();
            Rule limit = asSent ? null : v.limit();
            List<Rule> watched = asSent && v.limit() != null ? concat(v.watchedLimits(), v.limit()) : v.watchedLimits();
            boolean savepoint = limit != null && inTransaction;
            if (savepoint) sql("SAVEPOINT waly_limit");
            T result = work.run();
            long rows = 0;
            for (StatementLog st : statements) {
                long[] c = st.counts();
                if (c != null) for (long n : c) rows += Math.max(0, n);
            }
            for (Rule r : watched) {
                if (rows > r.rows()) warn(r, rows + " rows changed, over the limit of " + r.rows(), info, statements.get(0), v, rows);
            }
            if (limit != null && rows > limit.rows()) {
                String reason = rows + " rows changed, over the limit of " + limit.rows()
                        + (limit.reason() != null ? " (" + limit.reason() + ")" : "");
                if (savepoint) sql("ROLLBACK TO SAVEPOINT waly_limit");
                append(decision(Payloads.Policy.REFUSED, limit, reason, WalyState.ROW_LIMIT_EXCEEDED, info, statements.get(0), v, rows));
                PolicyLog.warn("WAL-y refused a statement on connection {} (rule {}: {})", connection, limit.name(), reason);
                if (savepoint) abortTransaction(WalyState.ROW_LIMIT_EXCEEDED, limit);
                throw new WalySQLException("WAL-y refused the statement: rule " + limit.name() + ": " + reason + ", of " + model
                        + ". It was rolled back to before it.", WalyState.ROW_LIMIT_EXCEEDED);
            }
            if (savepoint) sql("RELEASE SAVEPOINT waly_limit");
            return result;
        };
    }

    private static List<Rule> concat(List<Rule> rules, Rule more) {
        List<Rule> all = new java.util.ArrayList<>(rules);
        all.add(more);
        return all;
    }

    /**
     * A savepoint statement of WAL-y's own, sent as SQL (not through the JDBC savepoint API, which refuses a connection
     * in autocommit whose transaction began with BEGIN sent as SQL); not logged: what it brackets nets out to a failed
     * statement, which the log records as one.
     */
    private void sql(String text) throws SQLException {
        try (Statement s = physical.createStatement()) {
            s.execute(text);
        }
    }

    /** The STATEMENT record's payload with the values of hashed columns hashed; {@code p} itself when nothing is. */
    public Payloads.Statement recorded(Verdict v, Payloads.Statement p) {
        HashPlan plan = v.hashing();
        return plan == null ? p : Hashing.statement(plan, p);
    }

    /**
     * A value of the statement {@code info} as its records hold it: its parameter {@code param} (1-based), or for
     * {@code param} 0 one of its literals, hashed when the recording policy hashes it there — so that an application
     * command's arguments (its COMMAND record) leave out what the statement's records leave out.
     */
    public Value recorded(SqlInfo info, int param, Value v) {
        HashPlan plan = verdict(info).hashing();
        if (plan == null || v == null || v.isNull()) return v;
        boolean hashed = param > 0 ? plan.everyValue() || plan.params().contains(param)
                : plan.everyValue() ? v.kind() == Value.Kind.TEXT : plan.literals().contains(v);
        return hashed ? HashPlan.hash(v) : v;
    }

    /** An OUTCOME's effects with the row images' hashed columns hashed. */
    public List<Payloads.Effect> recorded(Verdict v, List<Payloads.Effect> effects) {
        HashPlan plan = v.hashing();
        return plan == null || effects.isEmpty() ? effects : Hashing.effects(plan, effects);
    }

    private void warn(Rule r, String reason, SqlInfo info, StatementLog st, Verdict v, long rows) {
        String would = r.mode() == Rule.Mode.WARN && r.action() != Rule.Action.WARN ? "would refuse" : "warns about";
        PolicyLog.warn("WAL-y rule {} {} a statement on connection {}: {}{}", r.name(), would, connection, reason,
                st == null ? "" : " [" + Hashing.sql(v.hashing(), io.waly.jdbc.capture.Secrets.redact(st.sql())) + "]");
        append(decision(Payloads.Policy.WARNED, r, reason, null, info, st, v, rows));
    }

    private Payloads.Policy decision(String event, Rule r, String reason, WalyState state, SqlInfo info, StatementLog st,
                                     Verdict v, long rows) {
        String sql = null;
        List<Value> params = List.of();
        Command command = info.command();
        if (st != null) {
            Payloads.Statement p = recorded(v, new Payloads.Statement(io.waly.jdbc.capture.Secrets.redact(st.sql()),
                    st.params(), null, command, false, -1, null, connection));
            sql = p.sql();
            params = p.params();
            command = p.command();
        } else if (v.hashing() != null) {
            command = v.hashing().command();
        }
        return new Payloads.Policy(connection, event, r.name(), r.action().name().toLowerCase(Locale.ROOT),
                r.mode().name().toLowerCase(Locale.ROOT), reason, state == null ? null : state.getState(), sql, params,
                command, rows, r.action() == Rule.Action.LIMIT ? r.rows() : -1, scope.role(), scope.appVersion(),
                model.shortId(), null, null);
    }

    /** A POLICY record: in the log's open transaction if there is one; handed to the OS, not forced. */
    private void append(Payloads.Policy p) {
        try {
            log.publish(log.append(RecordKind.POLICY, txId.getAsLong(), p.encode()));
        } catch (LogException e) {
            // the decision stands; the writer is failed, and the next write reports it
        }
    }

    /**
     * Leaves the application's transaction as a failing statement would: the database answers an error of WAL-y's own
     * making, so its transaction is aborted (or, with pgjdbc's autosave, restored to before the error), exactly as
     * after any failed statement.
     */
    private void abortTransaction(WalyState state, Rule rule) {
        io.waly.jdbc.capture.FailedStatement.abort(physical, state.getState(), "refused by WAL-y rule " + rule.name());
    }
}
