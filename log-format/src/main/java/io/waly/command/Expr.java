package io.waly.command;

import java.util.List;

/**
 * A typed expression of the command model. What has no structured form here (a subquery, CASE, a window) is
 * {@link Raw} with its SQL text: kept exactly, never dropped.
 */
public sealed interface Expr {

    /** A column, optionally qualified by a table or alias. */
    record Column(String table, String name) implements Expr {}

    record Literal(Value value) implements Expr {}

    /** A bound parameter by its 1-based JDBC index; its value is in the statement's parameters. */
    record Param(int index) implements Expr {}

    /** Binary arithmetic and string concatenation: + - * / % ||. */
    record Arith(String op, Expr left, Expr right) implements Expr {}

    /** Unary minus. */
    record Negate(Expr operand) implements Expr {}

    record Func(String name, List<Expr> args) implements Expr {}

    /** = &lt;&gt; &lt; &lt;= &gt; &gt;=. */
    record Compare(String op, Expr left, Expr right) implements Expr {}

    record And(List<Expr> terms) implements Expr {}

    record Or(List<Expr> terms) implements Expr {}

    record Not(Expr operand) implements Expr {}

    record In(Expr operand, List<Expr> list, boolean negated) implements Expr {}

    record IsNull(Expr operand, boolean negated) implements Expr {}

    record Between(Expr operand, Expr low, Expr high, boolean negated) implements Expr {}

    record Like(Expr operand, Expr pattern, boolean negated, boolean caseInsensitive) implements Expr {}

    record Cast(Expr operand, String type) implements Expr {}

    /** The DEFAULT keyword in VALUES or SET. */
    record Default() implements Expr {}

    /** Anything else, as SQL text. */
    record Raw(String sql) implements Expr {}
}
