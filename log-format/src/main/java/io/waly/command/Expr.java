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

    /**
     * The expressions {@code e} is made of, one level down (none for a column, literal, parameter, DEFAULT or raw SQL):
     * what a walk over an expression's columns needs, written once.
     */
    static List<Expr> parts(Expr e) {
        if (e instanceof Arith a) return List.of(a.left(), a.right());
        if (e instanceof Negate n) return List.of(n.operand());
        if (e instanceof Func f) return f.args();
        if (e instanceof Compare c) return List.of(c.left(), c.right());
        if (e instanceof And a) return a.terms();
        if (e instanceof Or o) return o.terms();
        if (e instanceof Not n) return List.of(n.operand());
        if (e instanceof In in) {
            List<Expr> out = new java.util.ArrayList<>(in.list().size() + 1);
            out.add(in.operand());
            out.addAll(in.list());
            return out;
        }
        if (e instanceof IsNull n) return List.of(n.operand());
        if (e instanceof Between b) return List.of(b.operand(), b.low(), b.high());
        if (e instanceof Like l) return List.of(l.operand(), l.pattern());
        if (e instanceof Cast c) return List.of(c.operand());
        return List.of();
    }
}
