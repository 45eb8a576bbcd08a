package io.waly.model;

import io.waly.command.Command;
import io.waly.command.Expr;
import io.waly.command.Value;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where one statement shape carries values of columns the recording policy logs as hashes, worked out once per shape:
 * the parameters bound to them ({@code INSERT … VALUES (?, …)}, {@code SET email = ?}, {@code WHERE email = ?}), the
 * command with its literals for them replaced by their hashes, and the literal values themselves (so that the SQL
 * text can be logged with them hashed too). {@code columns} names the hashed columns of the row images the statement
 * produces. A statement whose columns cannot be told apart (an INSERT without a column list into a table the model
 * declares no columns for) has every value hashed ({@code everyValue}).
 *
 * <p>A hash is the SHA-256 of the value's text (its bytes for bytea), as 64 lower-case hex digits, logged as text.
 */
public record HashPlan(Set<Integer> params, Command command, Set<Value> literals, Set<String> columns, boolean everyValue) {

    /** The value as logged: NULL stays NULL (it tells nothing); anything else is its hash, as text. */
    public static Value hash(Value v) {
        if (v == null || v.isNull()) return v;
        byte[] in = v.value() instanceof byte[] b ? b : String.valueOf(v.value()).getBytes(StandardCharsets.UTF_8);
        try {
            return Value.text(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    /** The plan for {@code c} writing a table whose {@code hashed} columns (declared {@code declared}, or null) are hashed. */
    static HashPlan of(Command c, Set<String> hashed, List<String> declared) {
        Set<Integer> params = new LinkedHashSet<>();
        Set<Value> literals = new LinkedHashSet<>();
        boolean[] every = {false};
        Command out = c;
        if (c instanceof Command.Insert i) {
            out = insert(i, hashed, declared, params, literals, every);
        } else if (c instanceof Command.Upsert u) {
            out = new Command.Upsert(insert(u.insert(), hashed, declared, params, literals, every), u.conflictColumns(),
                    u.conflictConstraint(), u.doNothing(), set(u.set(), hashed, params, literals), where(u.where(), hashed, params, literals));
        } else if (c instanceof Command.Update u) {
            out = new Command.Update(u.table(), set(u.set(), hashed, params, literals), where(u.where(), hashed, params, literals),
                    u.from(), u.returning());
        } else if (c instanceof Command.Delete d) {
            out = new Command.Delete(d.table(), where(d.where(), hashed, params, literals), d.using(), d.returning());
        } else if (c instanceof Command.Merge || c instanceof Command.Sql) {   // a COPY's values are in its data
            every[0] = true;
        }
        return new HashPlan(Set.copyOf(params), out, Set.copyOf(literals), Set.copyOf(hashed), every[0]);
    }

    private static Command.Insert insert(Command.Insert i, Set<String> hashed, List<String> declared, Set<Integer> params,
                                         Set<Value> literals, boolean[] every) {
        if (i.rows() == null) {
            if (i.query() != null) every[0] = true;   // INSERT … SELECT: its values are in the query's text
            return i;
        }
        List<String> columns = i.columns() != null && !i.columns().isEmpty() ? i.columns() : declared;
        List<List<Expr>> rows = new ArrayList<>();
        for (List<Expr> row : i.rows()) {
            List<Expr> r = new ArrayList<>(row.size());
            for (int k = 0; k < row.size(); k++) {
                boolean h = columns == null || (k < columns.size() && hashed.contains(columns.get(k)));
                if (columns == null) every[0] = true;
                r.add(h ? value(row.get(k), params, literals) : row.get(k));
            }
            rows.add(r);
        }
        return new Command.Insert(i.table(), i.columns(), rows, i.query(), i.returning());
    }

    private static List<Command.Assignment> set(List<Command.Assignment> set, Set<String> hashed, Set<Integer> params, Set<Value> literals) {
        if (set == null) return null;
        List<Command.Assignment> out = new ArrayList<>(set.size());
        for (Command.Assignment a : set) {
            out.add(hashed.contains(a.column()) ? new Command.Assignment(a.column(), value(a.value(), params, literals)) : a);
        }
        return out;
    }

    /** The condition with the values compared to hashed columns hashed ({@code email = ?}, {@code email IN (…)}). */
    private static Expr where(Expr e, Set<String> hashed, Set<Integer> params, Set<Value> literals) {
        if (e == null) return null;
        if (e instanceof Expr.Compare c) {
            if (c.left() instanceof Expr.Column col && hashed.contains(col.name())) {
                return new Expr.Compare(c.op(), c.left(), value(c.right(), params, literals));
            }
            if (c.right() instanceof Expr.Column col && hashed.contains(col.name())) {
                return new Expr.Compare(c.op(), value(c.left(), params, literals), c.right());
            }
            return c;
        }
        if (e instanceof Expr.In in && in.operand() instanceof Expr.Column col && hashed.contains(col.name())) {
            List<Expr> l = new ArrayList<>();
            for (Expr x : in.list()) l.add(value(x, params, literals));
            return new Expr.In(in.operand(), l, in.negated());
        }
        if (e instanceof Expr.And a) return new Expr.And(each(a.terms(), hashed, params, literals));
        if (e instanceof Expr.Or o) return new Expr.Or(each(o.terms(), hashed, params, literals));
        if (e instanceof Expr.Not n) return new Expr.Not(where(n.operand(), hashed, params, literals));
        return e;
    }

    private static List<Expr> each(List<Expr> terms, Set<String> hashed, Set<Integer> params, Set<Value> literals) {
        List<Expr> out = new ArrayList<>(terms.size());
        for (Expr t : terms) out.add(where(t, hashed, params, literals));
        return out;
    }

    private static Expr value(Expr e, Set<Integer> params, Set<Value> literals) {
        if (e instanceof Expr.Param p) {
            params.add(p.index());
            return e;
        }
        if (e instanceof Expr.Literal l && !l.value().isNull()) {
            literals.add(l.value());
            return new Expr.Literal(hash(l.value()));
        }
        if (e instanceof Expr.Cast c) return new Expr.Cast(value(c.operand(), params, literals), c.type());
        return e;
    }
}
