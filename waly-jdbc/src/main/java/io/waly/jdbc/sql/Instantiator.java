package io.waly.jdbc.sql;

import io.waly.command.Command;
import io.waly.command.Command.*;
import io.waly.command.Expr;
import io.waly.command.Expr.*;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts a statement's literals back into the command parsed from its shape: every {@code Param(i)} of the template
 * becomes the application's own parameter or the literal that stood at that place.
 */
final class Instantiator {
    private Instantiator() {}

    static Command instantiate(Command c, SqlLexer.Shape shape) {
        if (shape.literals().isEmpty() && isIdentity(shape)) return c;
        Instantiator.Rewriter r = new Rewriter(shape);
        if (c instanceof Insert i) return r.insert(i);
        if (c instanceof Upsert u) return new Upsert(r.insert(u.insert()), u.conflictColumns(), u.conflictConstraint(),
                u.doNothing(), r.assignments(u.set()), r.expr(u.where()));
        if (c instanceof Update u) return new Update(u.table(), r.assignments(u.set()), r.expr(u.where()), u.from(), u.returning());
        if (c instanceof Delete d) return new Delete(d.table(), r.expr(d.where()), d.using(), d.returning());
        if (c instanceof Merge m) return new Merge(m.target(), m.source(), r.expr(m.on()));
        if (c instanceof Call call) return new Call(call.procedure(), r.exprs(call.args()));
        return c;
    }

    private static boolean isIdentity(SqlLexer.Shape shape) {
        int[] p = shape.placeholders();
        for (int i = 0; i < p.length; i++) if (p[i] != i + 1) return false;
        return true;
    }

    private record Rewriter(SqlLexer.Shape shape) {
        Insert insert(Insert i) {
            List<List<Expr>> rows = null;
            if (i.rows() != null) {
                rows = new ArrayList<>(i.rows().size());
                for (List<Expr> row : i.rows()) rows.add(exprs(row));
            }
            return new Insert(i.table(), i.columns(), rows, i.query(), i.returning());
        }

        List<Assignment> assignments(List<Assignment> set) {
            if (set == null) return null;
            List<Assignment> out = new ArrayList<>(set.size());
            for (Assignment a : set) out.add(new Assignment(a.column(), expr(a.value())));
            return out;
        }

        List<Expr> exprs(List<Expr> list) {
            if (list == null) return null;
            List<Expr> out = new ArrayList<>(list.size());
            for (Expr e : list) out.add(expr(e));
            return out;
        }

        Expr expr(Expr e) {
            if (e == null) return null;
            if (e instanceof Param p) return CommandParser.literalOrParam(shape, p.index());
            if (e instanceof Arith a) return new Arith(a.op(), expr(a.left()), expr(a.right()));
            if (e instanceof Negate n) return new Negate(expr(n.operand()));
            if (e instanceof Func f) return new Func(f.name(), exprs(f.args()));
            if (e instanceof Compare c) return new Compare(c.op(), expr(c.left()), expr(c.right()));
            if (e instanceof And a) return new And(exprs(a.terms()));
            if (e instanceof Or o) return new Or(exprs(o.terms()));
            if (e instanceof Not n) return new Not(expr(n.operand()));
            if (e instanceof In in) return new In(expr(in.operand()), exprs(in.list()), in.negated());
            if (e instanceof IsNull n) return new IsNull(expr(n.operand()), n.negated());
            if (e instanceof Between b) return new Between(expr(b.operand()), expr(b.low()), expr(b.high()), b.negated());
            if (e instanceof Like l) return new Like(expr(l.operand()), expr(l.pattern()), l.negated(), l.caseInsensitive());
            if (e instanceof Cast c) return new Cast(expr(c.operand()), c.type());
            return e;   // Column, Literal, Default, Raw
        }
    }
}
