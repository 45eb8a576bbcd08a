package io.waly.model;

import io.waly.command.Command;
import io.waly.command.Value;
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

    /**
     * A recognised statement shape ({@link SqlSupport.Compiled#shape}), the argument at each of its placeholders, and the
     * literal the model wrote at the others (null where it wrote an argument or a {@code ?}): a statement is the command
     * only when it has these values there.
     */
    public record Shape(String shape, List<String> params, List<Value> literals) {
        /** True when the values at the placeholders ({@code valueAt}) are the literals the shape was written with. */
        public boolean holds(java.util.function.IntFunction<Value> valueAt) {
            for (int i = 0; i < literals.size(); i++) {
                Value want = literals.get(i);
                if (want != null && !same(want, valueAt.apply(i))) return false;
            }
            return true;
        }

        /** A number compares by value whatever its width (a literal 0 and a bound long 0); anything else by its text. */
        private static boolean same(Value a, Value b) {
            if (b == null || b.isNull()) return false;
            if (a.value() instanceof Number && b.value() instanceof Number) {
                return new java.math.BigDecimal(a.value().toString()).compareTo(new java.math.BigDecimal(b.value().toString())) == 0;
            }
            return a.value().toString().equals(b.value().toString());
        }
    }

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
