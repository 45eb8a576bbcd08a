package io.waly.jdbc.commands;

import io.waly.command.Value;
import io.waly.jdbc.config.WalyConfig;
import io.waly.jdbc.policy.PolicyGuard;
import io.waly.jdbc.sql.SqlInfo;
import io.waly.jdbc.sql.SqlLexer;
import io.waly.jdbc.sql.StatementShape;
import io.waly.log.payload.Payloads;
import io.waly.model.Commands;
import io.waly.model.DeclaredCommand;
import io.waly.model.Model;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the log says of a connection's application commands: the {@code COMMAND} record (FORMAT.md §3.5 AppCommand) to
 * write before a statement's. Either a command the application called ({@link #announce}: its body's statements follow)
 * or one the model recognises from the statement's shape. Driver-internal.
 *
 * <p>The shape is looked up once per SQL text (kept with its {@link SqlInfo}); after that a statement costs an identity
 * check, and a statement that is a command the reading of its arguments from its parameters.
 */
public final class CommandLog {
    /** No model, or a model without commands. */
    public static final CommandLog NONE = new CommandLog(null, null, 0);

    /** A text's lookup: the command it is and where its placeholders' values come from. */
    private record Match(Commands.Recognised recognised, int[] placeholders, List<Value> literals) {}

    private static final Match NO_MATCH = new Match(null, null, null);

    private final Model model;
    private final Commands commands;
    private final int connection;
    /** The called command whose body runs now; its record goes before the body's first statement. */
    private Payloads.AppCommand pending;
    private boolean inCall;

    private CommandLog(Model model, Commands commands, int connection) {
        this.model = model;
        this.commands = commands;
        this.connection = connection;
    }

    public static CommandLog of(WalyConfig config, int connection) {
        return of(config.model(), connection);
    }

    /** The commands of {@code model} (null: none) on connection number {@code connection}. */
    public static CommandLog of(Model model, int connection) {
        return model == null || model.commands().isEmpty() ? NONE : new CommandLog(model, model.commands(), connection);
    }

    /** The model's commands; null without any. */
    public Commands commands() {
        return commands;
    }

    public Model model() {
        return model;
    }

    int connection() {
        return connection;
    }

    /** A called command's body is about to run: its record precedes the body's first statement, and nothing inside is recognised. */
    void announce(Payloads.AppCommand command) {
        pending = command;
        inCall = true;
    }

    /** The call is over (done, failed or refused). */
    void done() {
        pending = null;
        inCall = false;
    }

    /**
     * The COMMAND record to write before the statement {@code sql} ({@code params} bound), or null. A recognised
     * command's arguments are held as the statement's records hold their values (hashed where {@code policy}'s recording
     * policy hashes them).
     */
    public Payloads.AppCommand before(SqlInfo info, String sql, List<Value> params, PolicyGuard policy) {
        if (commands == null) return null;
        if (inCall) {
            Payloads.AppCommand p = pending;
            pending = null;
            return p;
        }
        if (!commands.recognisesShapes() || info.command() == null) return null;
        Match m = match(info, sql);
        if (m == NO_MATCH) return null;
        DeclaredCommand c = m.recognised().command();
        DeclaredCommand.Shape shape = m.recognised().shape();
        if (!shape.holds(i -> valueAt(m, i, params))) return null;
        List<String> at = shape.params();
        Map<String, Value> args = new LinkedHashMap<>();
        for (DeclaredCommand.Arg a : c.args()) args.put(a.name(), null);
        for (int i = 0; i < at.size() && i < m.placeholders().length; i++) {
            if (at.get(i) == null) continue;
            int p = m.placeholders()[i];
            args.put(at.get(i), policy.recorded(info, Math.max(p, 0), valueAt(m, i, params)));
        }
        args.replaceAll((k, v) -> v == null ? Value.NULL : v);
        return new Payloads.AppCommand(connection, c.name(), args, Payloads.AppCommand.RECOGNISED, 1, model.shortId());
    }

    /** The value at the statement's {@code i}-th placeholder: a bound parameter or one of its literals. */
    private static Value valueAt(Match m, int i, List<Value> params) {
        if (i >= m.placeholders().length) return null;
        int p = m.placeholders()[i];
        return p > 0 ? (p <= params.size() ? params.get(p - 1) : Value.NULL) : m.literals().get(-p - 1);
    }

    private Match match(SqlInfo info, String sql) {
        SqlInfo.Recognised r = info.recognised();
        if (r != null && r.scope() == commands) return (Match) r.command();
        StatementShape.Of shape = StatementShape.of(sql);
        Commands.Recognised found = commands.recognise(shape.key());
        SqlLexer.Shape s = shape.shape();
        Match m = found == null ? NO_MATCH : new Match(found, s.placeholders(), s.literals());
        info.recognised(new SqlInfo.Recognised(commands, m));
        return m;
    }
}
