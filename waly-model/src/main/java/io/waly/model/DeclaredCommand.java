package io.waly.model;

import io.waly.command.Command;
import java.util.List;
import java.util.Locale;

/**
 * One application command of the model's {@code commands:}: its name, its typed arguments (in declaration order), the
 * statements its PostgreSQL body runs as one transaction, and the statement shapes it is recognised from.
 *
 * @param body       each statement as the database gets it ({@code ?} placeholders) with the argument of each placeholder
 * @param recognised the shapes of application statements that are this command, with the argument of each placeholder
 *                   (null for a placeholder that is not an argument)
 */
public record DeclaredCommand(String name, List<Arg> args, List<Statement> body, List<Shape> recognised, int line) {

    /** A typed argument. */
    public record Arg(String name, ArgType type) {}

    /** A body statement: its SQL, the argument bound at each placeholder, and its parsed command. */
    public record Statement(String sql, List<String> params, Command command) {}

    /** A recognised statement shape ({@link SqlSupport.Compiled#shape}) and the argument at each of its placeholders. */
    public record Shape(String shape, List<String> params) {}

    /** The argument named {@code name} (case aside), or null. */
    public Arg arg(String name) {
        for (Arg a : args) if (a.name.equalsIgnoreCase(name)) return a;
        return null;
    }

    /** The name as a call spells it: {@code CALL waly.create_account(…)} (case aside, as SQL folds it). */
    public String callName() {
        return name.toLowerCase(Locale.ROOT);
    }
}
