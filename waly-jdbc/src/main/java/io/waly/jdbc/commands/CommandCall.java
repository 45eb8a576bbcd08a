package io.waly.jdbc.commands;

import io.waly.command.Value;
import io.waly.jdbc.WalySQLException;
import io.waly.jdbc.WalyState;
import io.waly.jdbc.capture.ConnectionCapture;
import io.waly.jdbc.capture.FailedStatement;
import io.waly.jdbc.sql.ExplicitCall;
import io.waly.jdbc.values.JdbcValues;
import io.waly.log.payload.Payloads;
import io.waly.model.ArgType;
import io.waly.model.DeclaredCommand;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Runs a call of an application command ({@code CALL waly.create_account(?, ?)}): its arguments checked against the
 * model's declaration, its record written, its PostgreSQL body run as one transaction through the application's own
 * connection — so that each body statement is logged, guarded by the policies and recorded with its effects exactly as
 * if the application had sent it. The application then gets what a procedure call without results gives.
 *
 * <p>A call that names no command, or whose arguments do not fit, fails before anything is logged or sent, with the
 * SQLState PostgreSQL gives a call that matches no procedure; inside the application's transaction it leaves the
 * transaction aborted, as that failed call would. A body statement that fails rolls the command back (in autocommit) or
 * leaves the application's transaction aborted: either way nothing of it is logged as committed. Driver-internal.
 */
public final class CommandCall {
    private CommandCall() {}

    private static final String SAVEPOINT = "waly_command";

    private static void sql(Connection facade, String text) throws SQLException {
        try (java.sql.Statement s = facade.createStatement()) {
            s.execute(text);
        }
    }

    /**
     * @param facade the application's connection (WAL-y's), through which the body runs
     * @param params the parameters bound to the call's {@code ?}s
     * @param answer what the application's call returns, run once the body has: a statement without results
     */
    public static <T> T run(ConnectionCapture capture, Connection facade, ExplicitCall call, List<Value> params,
                            ConnectionCapture.Work<T> answer) throws SQLException {
        CommandLog log = capture.commands();
        boolean inTransaction = !facade.getAutoCommit() || capture.inSqlTransaction();
        DeclaredCommand c;
        Map<String, Value> args;
        try {
            if (call.malformed() != null) throw new WalySQLException(call.malformed(), WalyState.SYNTAX_ERROR);
            c = log.commands() == null ? null : log.commands().named(call.name());
            if (c == null) {
                throw new WalySQLException("procedure waly." + call.name() + " does not exist: "
                        + (log.commands() == null ? "the connection has no model declaring commands (walyModel)"
                        : "the model declares " + names(log)), WalyState.UNDEFINED_FUNCTION);
            }
            args = arguments(c, call, params);
            if (log.commands().hasBodiesPerVersion()) c = log.commands().inVersion(c, capture.writesUnder(log.commands().versions()));
        } catch (SQLException e) {
            // the database's error says no more than this: the application's message may hold its values, the server log must not
            if (inTransaction) FailedStatement.abort(capture.physical(), e.getSQLState(), "a call of waly." + call.name() + " refused by WAL-y");
            throw e;
        }
        int logged = 0;   // a body statement the recording policy leaves out of the log is not one the record stands for
        for (DeclaredCommand.Statement st : c.body()) if (capture.logs(capture.classify(st.sql()))) logged++;
        log.announce(new Payloads.AppCommand(log.connection(), c.name(), recorded(capture, c, args), Payloads.AppCommand.CALLED,
                logged, log.model().shortId()));
        boolean wrap = !inTransaction;
        // In the application's transaction a body of several statements runs behind a savepoint (sent as SQL, and
        // logged, as the application's own would be): when one of them fails, the ones before are undone too, even on
        // a connection whose autosave keeps the transaction going after a failed statement.
        boolean savepoint = !wrap && c.body().size() > 1;
        try {
            if (wrap) facade.setAutoCommit(false);
            if (savepoint) sql(facade, "SAVEPOINT " + SAVEPOINT);
            for (DeclaredCommand.Statement st : c.body()) {
                try (PreparedStatement ps = facade.prepareStatement(st.sql())) {
                    for (int i = 0; i < st.params().size(); i++) bind(facade, ps, i + 1, args.get(st.params().get(i)), c.arg(st.params().get(i)).type());
                    ps.executeUpdate();
                }
            }
            if (savepoint) sql(facade, "RELEASE SAVEPOINT " + SAVEPOINT);
            if (wrap) facade.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                if (wrap) {
                    facade.rollback();
                } else if (savepoint) {
                    sql(facade, "ROLLBACK TO SAVEPOINT " + SAVEPOINT);
                    // and the transaction left as the failed call leaves it
                    FailedStatement.abort(capture.physical(), e instanceof SQLException q && q.getSQLState() != null
                            ? q.getSQLState() : "XX000", "application command " + c.name() + " failed");
                }
            } catch (SQLException ignored) {
                // the body's error is the one the application needs
            }
            throw e;
        } finally {
            log.done();
            if (wrap) facade.setAutoCommit(true);
        }
        return answer.run();
    }

    /** The call's arguments by declared name, in declaration order; every one given once, each fitting its type. */
    static Map<String, Value> arguments(DeclaredCommand c, ExplicitCall call, List<Value> params) throws SQLException {
        Map<String, Value> out = new LinkedHashMap<>();
        List<ExplicitCall.Arg> given = call.args();
        boolean named = false;
        for (int i = 0; i < given.size(); i++) {
            ExplicitCall.Arg a = given.get(i);
            DeclaredCommand.Arg decl;
            if (a.name() != null) {
                named = true;
                decl = c.arg(a.name());
                if (decl == null) throw undefined(c, call, "it has no argument " + a.name());
            } else {
                if (named) throw undefined(c, call, "a positional argument cannot follow a named one");
                if (i >= c.args().size()) throw undefined(c, call, "it takes " + c.args().size() + " arguments, not " + given.size());
                decl = c.args().get(i);
            }
            if (out.containsKey(decl.name())) throw undefined(c, call, "argument " + decl.name() + " is given twice");
            Value v;
            if (a.param() > 0) {
                if (a.param() > params.size() || params.get(a.param() - 1) == null) {
                    throw new WalySQLException("No value specified for parameter " + a.param() + ".", WalyState.INVALID_PARAMETER_VALUE);
                }
                v = params.get(a.param() - 1);
            } else {
                v = a.literal();
            }
            if (!decl.type().fits(v)) {
                throw new WalySQLException("argument " + decl.name() + " of " + c.name() + " is " + decl.type() + ", not "
                        + v.kind().tag + " (" + v.value() + ")", WalyState.DATATYPE_MISMATCH);
            }
            out.put(decl.name(), v);
        }
        for (DeclaredCommand.Arg d : c.args()) {
            if (!out.containsKey(d.name())) throw undefined(c, call, "argument " + d.name() + " is missing");
        }
        Map<String, Value> ordered = new LinkedHashMap<>();
        for (DeclaredCommand.Arg d : c.args()) ordered.put(d.name(), out.get(d.name()));
        return ordered;
    }

    /** The arguments as the body's records hold them: an argument a body statement's recording policy hashes, hashed. */
    private static Map<String, Value> recorded(ConnectionCapture capture, DeclaredCommand c, Map<String, Value> args) {
        Map<String, Value> out = new LinkedHashMap<>(args);
        for (DeclaredCommand.Statement st : c.body()) {
            io.waly.jdbc.sql.SqlInfo info = capture.classify(st.sql());
            for (int i = 0; i < st.params().size(); i++) {
                String a = st.params().get(i);
                Value v = capture.recordedValue(info, i + 1, args.get(a));
                if (v != args.get(a)) out.put(a, v);
            }
        }
        return out;
    }

    /** An argument bound as text to a non-text argument is sent untyped, for the database to read as the column's type. */
    private static void bind(Connection c, PreparedStatement ps, int i, Value v, ArgType type) throws SQLException {
        if (type != ArgType.TEXT && (v.kind() == Value.Kind.TEXT || v.kind() == Value.Kind.OTHER)) ps.setObject(i, v.value(), Types.OTHER);
        else JdbcValues.bind(c, ps, i, v, 0);
    }

    private static SQLException undefined(DeclaredCommand c, ExplicitCall call, String why) {
        return new WalySQLException("procedure waly." + call.name() + " does not match " + signature(c) + ": " + why,
                WalyState.UNDEFINED_FUNCTION);
    }

    /** {@code CREATE_ACCOUNT(email text, plan text)}. */
    static String signature(DeclaredCommand c) {
        return c.name() + c.args().stream().map(a -> a.name() + " " + a.type()).collect(Collectors.joining(", ", "(", ")"));
    }

    private static String names(CommandLog log) {
        return log.commands().all().stream().map(CommandCall::signature).sorted().collect(Collectors.joining(", "));
    }
}
