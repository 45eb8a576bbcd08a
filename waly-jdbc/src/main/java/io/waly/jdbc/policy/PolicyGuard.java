package io.waly.jdbc.policy;

import io.waly.command.Command;
import io.waly.command.Value;
import io.waly.jdbc.DriverLog;
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
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The model's mutation policies on one connection: what {@link ConnectionCapture} asks at its write-ahead hook. Driver-
 * internal.
 *
 * <p>The verdict on a statement is taken once per SQL text (the classifier's cache) and kind of connection (the model,
 * the role its statements run as ({@link RoleTracker}), {@code walyAppVersion}), and kept with the text's
 * {@link SqlInfo}: a connection with no model costs nothing ({@link #NONE}), a statement no rule touches one identity
 * check.
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
    public static final PolicyGuard NONE = new PolicyGuard(null, null, null, null, null, 0, null, null);

    /** One scope per (policies, role, version), shared by connections alike, so that their verdicts are shared too. */
    private record Scope(Policies policies, String role, String appVersion) {}

    private static final Map<Scope, Scope> SCOPES = new ConcurrentHashMap<>();

    /** Changes with the role ({@link RoleTracker}). */
    private Scope scope;
    private final Model model;
    /** null when no rule names roles: then the role is the login user's. */
    private final RoleTracker roles;
    private final LogSink log;
    private final Connection physical;
    private final int connection;
    private final LongSupplier txId;
    /** A table's column types as the capture's catalog knows them, asked of the database before the write is sent. */
    private final Function<Command.Table, Map<String, String>> columnTypes;

    private PolicyGuard(Scope scope, Model model, RoleTracker roles, LogSink log, Connection physical, int connection,
                        LongSupplier txId, Function<Command.Table, Map<String, String>> columnTypes) {
        this.columnTypes = columnTypes;
        this.scope = scope;
        this.model = model;
        this.roles = roles;
        this.log = log;
        this.physical = physical;
        this.connection = connection;
        this.txId = txId;
    }

    /** The guard of a new connection; {@link #NONE} without a model. {@code txId}: the log's open transaction, 0 for none. */
    public static PolicyGuard of(WalyConfig config, Connection physical, LogSink log, int connection, LongSupplier txId,
                                 Function<Command.Table, Map<String, String>> columnTypes) throws SQLException {
        Model model = config.model();
        if (model == null || model.policies().isEmpty()) return NONE;
        RoleTracker roles = model.policies().namesRoles() ? new RoleTracker(physical) : null;
        String role = roles != null ? roles.role() : physical.getMetaData().getUserName();
        Scope s = SCOPES.computeIfAbsent(new Scope(model.policies(), role, config.appVersion()), k -> k);
        return new PolicyGuard(s, model, roles, log, physical, connection, txId, columnTypes);
    }

    /** After a write ran or failed: follows a change of role it may have made. */
    public void afterWrite(List<StatementLog> statements) {
        if (roles != null && roles.afterWrite(statements)) rescope();
    }

    /** After COMMIT, ROLLBACK or PREPARE TRANSACTION: a SET ROLE of the transaction may be undone, a SET LOCAL ROLE is. */
    public void transactionEnded() {
        if (roles != null && roles.transactionEnded()) rescope();
    }

    /** After ROLLBACK TO SAVEPOINT: a SET ROLE after the savepoint is undone. */
    public void rolledBackToSavepoint() {
        if (roles != null && roles.rolledBackToSavepoint()) rescope();
    }

    private void rescope() {
        scope = SCOPES.computeIfAbsent(new Scope(scope.policies(), roles.role(), scope.appVersion()), k -> k);
    }

    /** The verdict on the statement's shape, taken once. */
    public Verdict verdict(SqlInfo info) {
        if (scope == null) return Verdict.NONE;
        SqlInfo.Decided d = info.decided();
        if (d != null && d.scope() == scope) return d.verdict();
        Verdict v = scope.policies().decide(info.command(), scope.role(), scope.appVersion());
        if (!info.parts().isEmpty()) v = severalStatements(v, info.parts());
        info.decided(new SqlInfo.Decided(scope, v));
        return v;
    }

    /**
     * The verdict on a string of several statements: each statement's rules, and the recording policy of the whole. A
     * statement of the string with a row limit cannot be counted — pgjdbc hands its results to the application one at
     * a time, and PostgreSQL runs the string as one — so an enforced limit refuses the string before it is sent (send
     * the statement on its own), and a limit in warn mode warns that it would.
     */
    private Verdict severalStatements(Verdict whole, List<SqlInfo> parts) {
        Rule refusal = whole.refusal();
        List<Rule> warnings = new java.util.ArrayList<>(whole.warnings());
        for (SqlInfo part : parts) {
            Verdict v = verdict(part);
            if (refusal == null) refusal = v.refusal() != null ? v.refusal() : v.limit();
            warnings.addAll(v.warnings());
            warnings.addAll(v.watchedLimits());
        }
        if (refusal == null && warnings.isEmpty() && whole.logged() && whole.hashing() == null) return Verdict.NONE;
        return new Verdict(refusal, warnings, null, List.of(), whole.logged(), whole.hashing());
    }

    /** The statement of a string of several that {@code rule} judged, for the refusal's reason and record; else {@code info}. */
    private SqlInfo judged(SqlInfo info, Rule rule) {
        for (SqlInfo part : info.parts()) {
            Verdict v = verdict(part);
            if (v.refusal() == rule || v.limit() == rule || v.warnings().contains(rule) || v.watchedLimits().contains(rule)) return part;
        }
        return info;
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
     * Before anything is sent: refuses a statement an enforced rule denies. Each statement of a batch is judged by its
     * own rules; a refused one refuses the batch as pgjdbc reports a batch whose statement failed.
     *
     * @param statements the statements of the write (their text and parameters go into the refusal's record); empty for
     *                   a COPY started through pgjdbc's CopyManager, whose record then has its command only
     * @param inTransaction the application's transaction is open (not autocommit): it is left aborted
     * @return what {@link ConnectionCapture} needs to know before it runs the write
     */
    public Admission admit(SqlInfo info, List<StatementLog> statements, boolean inTransaction) throws SQLException {
        if (scope == null) return Admission.PLAIN;
        SqlInfo last = statements.isEmpty() ? info : statements.get(0).info();
        Verdict first = verdict(last);
        if (first == Verdict.NONE && statements.size() <= 1) return Admission.PLAIN;
        if (first.hashing() != null && first.hashing().command() instanceof Command.Copy copy
                && "binary".equalsIgnoreCase(copy.options().format())) {
            if (inTransaction) abortTransaction(WalyState.POLICY_REFUSED, "recording policy");
            throw new WalySQLException("WAL-y cannot log a binary COPY into " + copy.table().qualified() + " whose columns "
                    + String.join(", ", first.hashing().columns()) + " the recording policy of " + model
                    + " logs as hashes: send it in text or CSV format. Nothing was sent to the database.", WalyState.POLICY_REFUSED);
        }
        boolean counts = first.countsRows();
        boolean hashes = first.hashing() != null;
        if (first.refusal() != null) refuse(first, last, statements, 0, inTransaction);
        for (int i = 1; i < statements.size(); i++) {
            StatementLog st = statements.get(i);
            if (st.info() == last) continue;   // a prepared batch: one shape, judged once
            last = st.info();
            Verdict v = verdict(last);
            if (v.refusal() != null) refuse(v, last, statements, i, inTransaction);
            counts |= v.countsRows();
            hashes |= v.hashing() != null;
        }
        return new Admission(first.logged(), counts, hashes);
    }

    /**
     * What a write needs before it runs: whether it is logged (a batch is logged whole when its first statement is),
     * whether its row counts are checked (then it must run where it can be rolled back), and whether some of its values
     * are logged as hashes (then its table's column types are looked up first).
     */
    public record Admission(boolean logged, boolean countsRows, boolean hashes) {
        static final Admission PLAIN = new Admission(true, false, false);
    }

    private void refuse(Verdict v, SqlInfo info, List<StatementLog> statements, int index, boolean inTransaction)
            throws SQLException {
        Rule rule = v.refusal();
        SqlInfo part = judged(info, rule);
        String reason = rule.action() == Rule.Action.LIMIT
                ? "its statement " + part.command().label() + " has a row limit, and the rows of one statement of several "
                        + "sent in one string cannot be counted: send it on its own"
                : rule.explain(part.command());
        StatementLog st = statements.isEmpty() ? null : statements.get(index);
        append(decision(Payloads.Policy.REFUSED, rule, reason, WalyState.POLICY_REFUSED, part, st, v, -1));
        DriverLog.warn(PolicyGuard.class, "WAL-y refused a statement on connection {} (rule {}: {})", connection, rule.name(), reason);
        if (inTransaction) abortTransaction(WalyState.POLICY_REFUSED, "rule " + rule.name());
        throw BatchFailure.of(statements, index, new WalySQLException("WAL-y refused the statement: rule " + rule.name() + " ("
                + reason + ") of " + model + ". Nothing was sent to the database.", WalyState.POLICY_REFUSED));
    }

    /**
     * The database work of a write, as the statements' verdicts want it run: warnings first (the statements are in the
     * log, the database has not run them), then the work; with a limit, behind a savepoint when {@code inTransaction}
     * (outside one the write runs in a transaction of WAL-y's making, which the refusal rolls back), and refused when a
     * statement changed more rows than its limit allows. Each statement of a batch is judged by its own rules (a
     * prepared batch's shape warns once); a refused one undoes the whole batch, as its failure would. A statement
     * PostgreSQL runs outside any transaction ({@code asSent}: VACUUM, CALL, …) cannot be rolled back: its limits are
     * only watched.
     */
    public <T> ConnectionCapture.Work<T> guard(List<StatementLog> statements, boolean inTransaction, boolean asSent,
                                               ConnectionCapture.Work<T> work) {
        if (scope == null) return work;
        boolean warns = false;
        boolean counts = false;
        boolean enforces = false;
        SqlInfo last = null;
        for (StatementLog st : statements) {
            if (st.info() == last) continue;
            last = st.info();
            Verdict v = verdict(last);
            warns |= !v.warnings().isEmpty();
            counts |= v.countsRows();
            enforces |= v.limit() != null && !asSent;
        }
        if (!warns && !counts) return work;
        boolean savepoint = enforces && inTransaction;
        boolean countsRows = counts;
        return () -> {
            SqlInfo shape = null;
            for (StatementLog st : statements) {
                if (st.info() == shape) continue;
                shape = st.info();
                Verdict v = verdict(shape);
                for (Rule r : v.warnings()) {
                    SqlInfo part = judged(shape, r);
                    warn(r, r.action() == Rule.Action.LIMIT ? "its rows cannot be counted in a string of several statements"
                            : r.explain(part.command()), part, st, v, -1);
                }
            }
            if (!countsRows) return work.run();
            if (savepoint) sql("SAVEPOINT waly_limit");
            T result = work.run();
            int over = -1;
            for (int i = 0; i < statements.size(); i++) {
                StatementLog st = statements.get(i);
                Verdict v = verdict(st.info());
                if (!v.countsRows()) continue;
                long rows = rows(st);
                Rule limit = asSent ? null : v.limit();
                List<Rule> watched = asSent && v.limit() != null ? concat(v.watchedLimits(), v.limit()) : v.watchedLimits();
                for (Rule r : watched) {
                    if (rows > r.rows()) warn(r, rows + " rows changed, over the limit of " + r.rows(), st.info(), st, v, rows);
                }
                if (over < 0 && limit != null && rows > limit.rows()) over = i;
            }
            if (over >= 0) {
                StatementLog st = statements.get(over);
                Verdict v = verdict(st.info());
                Rule limit = v.limit();
                long rows = rows(st);
                String reason = rows + " rows changed, over the limit of " + limit.rows()
                        + (limit.reason() != null ? " (" + limit.reason() + ")" : "");
                if (savepoint) sql("ROLLBACK TO SAVEPOINT waly_limit");
                append(decision(Payloads.Policy.REFUSED, limit, reason, WalyState.ROW_LIMIT_EXCEEDED, st.info(), st, v, rows));
                DriverLog.warn(PolicyGuard.class, "WAL-y refused a statement on connection {} (rule {}: {})", connection, limit.name(), reason);
                if (savepoint) abortTransaction(WalyState.ROW_LIMIT_EXCEEDED, "rule " + limit.name());
                throw BatchFailure.of(statements, over, new WalySQLException("WAL-y refused the statement: rule " + limit.name() + ": "
                        + reason + ", of " + model + ". It was rolled back to before it.", WalyState.ROW_LIMIT_EXCEEDED));
            }
            if (savepoint) sql("RELEASE SAVEPOINT waly_limit");
            return result;
        };
    }

    /** The rows a statement changed, as the statement layer recorded its counts; counts pgjdbc does not report are none. */
    private static long rows(StatementLog st) {
        long rows = 0;
        long[] c = st.counts();
        if (c != null) for (long n : c) rows += Math.max(0, n);
        return rows;
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
        return recorded(v, p, null);
    }

    /** The same for a COPY whose data's fields are {@code copyColumns} (null: unknown, its data is left out). */
    public Payloads.Statement recorded(Verdict v, Payloads.Statement p, List<String> copyColumns) {
        HashPlan plan = v.hashing();
        return plan == null ? p : Hashing.statement(plan, p, copyColumns, types(plan));
    }

    /** The column types of the table the plan hashes, as far as the capture's catalog knows them (column → pg_type name). */
    private Map<String, String> types(HashPlan plan) {
        if (plan == null) return Map.of();
        List<Command.Table> written = plan.command().writtenTables();
        return written.isEmpty() ? Map.of() : columnTypes.apply(written.get(0));
    }

    /**
     * A value of the statement {@code info} as its records hold it: its parameter {@code param} (1-based), or for
     * {@code param} 0 one of its literals, hashed when the recording policy hashes it there — so that an application
     * command's arguments (its COMMAND record) leave out what the statement's records leave out.
     */
    public Value recorded(SqlInfo info, int param, Value v) {
        HashPlan plan = verdict(info).hashing();
        if (plan == null || v == null || v.isNull()) return v;
        boolean hashed = param > 0 ? plan.everyValue() || plan.params().containsKey(param)
                : plan.everyValue() ? v.kind() == Value.Kind.TEXT : plan.literals().containsKey(v);
        if (!hashed) return v;
        // as the statement's own records hash it: a hash its column's type can hold
        String column = param > 0 ? plan.params().get(param) : plan.literals().get(v);
        return HashPlan.hash(v, column == null ? null : types(plan).get(column));
    }

    /** An OUTCOME's effects with the row images' hashed columns hashed. */
    public List<Payloads.Effect> recorded(Verdict v, List<Payloads.Effect> effects) {
        HashPlan plan = v.hashing();
        return plan == null || effects.isEmpty() ? effects : Hashing.effects(plan, effects, types(plan));
    }

    private void warn(Rule r, String reason, SqlInfo info, StatementLog st, Verdict v, long rows) {
        String would = r.mode() == Rule.Mode.WARN && r.action() != Rule.Action.WARN ? "would refuse" : "warns about";
        DriverLog.warn(PolicyGuard.class, "WAL-y rule {} {} a statement on connection {}: {}{}", r.name(), would, connection, reason,
                st == null ? "" : " [" + Hashing.sql(v.hashing(), io.waly.jdbc.capture.Secrets.redact(st.sql()), types(v.hashing())) + "]");
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
    private void abortTransaction(WalyState state, String by) {
        io.waly.jdbc.capture.FailedStatement.abort(physical, state.getState(), "refused by WAL-y " + by);
    }
}
