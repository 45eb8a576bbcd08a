package io.waly.model;

import io.waly.command.Command;
import io.waly.command.Expr;
import io.waly.command.Value;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
public record HashPlan(Map<Integer, String> params, Command command, Map<Value, String> literals, Set<String> columns,
                       boolean everyValue) {

    /** The value as logged: NULL stays NULL (it tells nothing); anything else is its hash, as text. */
    public static Value hash(Value v) {
        return hash(v, null);
    }

    /**
     * The value as logged in a column of the PostgreSQL type {@code type} (its name, as pg_type spells it; null when not
     * known): a hash the column can hold, so that a replay writes it. The same value always gives the same hash, so a
     * WHERE on a hashed column finds the replayed row. Text types take the 64 hex
     * digits (bytea: their bytes); json and jsonb them as a JSON string; uuid the hash's first 16 bytes as a UUID;
     * int2, int4, int8 and numeric its first bytes as a non-negative number of the type's range; float4 and float8 a
     * whole number below 2^24. Any other type (bool, date, timestamp, inet, an enum, a domain, …) cannot hold a hash:
     * the value is logged as NULL, left out.
     */
    public static Value hash(Value v, String type) {
        if (v == null || v.isNull()) return v;
        byte[] in = v.value() instanceof byte[] b ? b : String.valueOf(v.value()).getBytes(StandardCharsets.UTF_8);
        byte[] d;
        try {
            d = MessageDigest.getInstance("SHA-256").digest(in);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
        long first = java.nio.ByteBuffer.wrap(d).getLong() & Long.MAX_VALUE;
        return switch (type == null ? "text" : type) {
            case "uuid" -> Value.of(Value.Kind.UUID, new java.util.UUID(java.nio.ByteBuffer.wrap(d).getLong(),
                    java.nio.ByteBuffer.wrap(d, 8, 8).getLong()).toString());
            case "int2" -> new Value(Value.Kind.INT2, first >>> 48, null);
            case "int4" -> Value.int4(first >>> 32);
            case "int8" -> Value.int8(first);
            case "numeric" -> Value.numeric(java.math.BigDecimal.valueOf(first));
            case "float4", "float8" -> Value.float8(first >>> 39);
            case "json", "jsonb" -> Value.of(Value.Kind.JSON, "\"" + HexFormat.of().formatHex(d) + "\"");
            case "text", "varchar", "bpchar", "citext", "name", "bytea" -> Value.text(HexFormat.of().formatHex(d));
            default -> Value.nullOf(type);
        };
    }

    /** The plan for {@code c} writing a table whose {@code hashed} columns (declared {@code declared}, or null) are hashed. */
    static HashPlan of(Command c, Set<String> hashed, List<String> declared) {
        Map<Integer, String> params = new LinkedHashMap<>();
        Map<Value, String> literals = new LinkedHashMap<>();
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
        return new HashPlan(Map.copyOf(params), out, Map.copyOf(literals), Set.copyOf(hashed), every[0]);
    }

    private static Command.Insert insert(Command.Insert i, Set<String> hashed, List<String> declared, Map<Integer, String> params,
                                         Map<Value, String> literals, boolean[] every) {
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
                r.add(h ? value(row.get(k), columns == null ? null : columns.get(k), params, literals) : row.get(k));
            }
            rows.add(r);
        }
        return new Command.Insert(i.table(), i.columns(), rows, i.query(), i.returning());
    }

    private static List<Command.Assignment> set(List<Command.Assignment> set, Set<String> hashed, Map<Integer, String> params,
                                                Map<Value, String> literals) {
        if (set == null) return null;
        List<Command.Assignment> out = new ArrayList<>(set.size());
        for (Command.Assignment a : set) {
            out.add(hashed.contains(a.column()) ? new Command.Assignment(a.column(), value(a.value(), a.column(), params, literals)) : a);
        }
        return out;
    }

    /** The condition with the values compared to hashed columns hashed ({@code email = ?}, {@code email IN (…)}). */
    private static Expr where(Expr e, Set<String> hashed, Map<Integer, String> params, Map<Value, String> literals) {
        if (e == null) return null;
        if (e instanceof Expr.Compare c) {
            if (c.left() instanceof Expr.Column col && hashed.contains(col.name())) {
                return new Expr.Compare(c.op(), c.left(), value(c.right(), col.name(), params, literals));
            }
            if (c.right() instanceof Expr.Column col && hashed.contains(col.name())) {
                return new Expr.Compare(c.op(), value(c.left(), col.name(), params, literals), c.right());
            }
            return c;
        }
        if (e instanceof Expr.In in && in.operand() instanceof Expr.Column col && hashed.contains(col.name())) {
            List<Expr> l = new ArrayList<>();
            for (Expr x : in.list()) l.add(value(x, col.name(), params, literals));
            return new Expr.In(in.operand(), l, in.negated());
        }
        if (e instanceof Expr.And a) return new Expr.And(each(a.terms(), hashed, params, literals));
        if (e instanceof Expr.Or o) return new Expr.Or(each(o.terms(), hashed, params, literals));
        if (e instanceof Expr.Not n) return new Expr.Not(where(n.operand(), hashed, params, literals));
        return e;
    }

    private static List<Expr> each(List<Expr> terms, Set<String> hashed, Map<Integer, String> params, Map<Value, String> literals) {
        List<Expr> out = new ArrayList<>(terms.size());
        for (Expr t : terms) out.add(where(t, hashed, params, literals));
        return out;
    }

    /** {@code e} as logged in {@code column} (null: every value of a statement whose columns cannot be told apart). */
    private static Expr value(Expr e, String column, Map<Integer, String> params, Map<Value, String> literals) {
        String col = column == null ? "" : column;
        if (e instanceof Expr.Param p) {
            params.put(p.index(), col);
            return e;
        }
        if (e instanceof Expr.Literal l && !l.value().isNull()) {
            literals.putIfAbsent(l.value(), col);
            return new Expr.Literal(hash(l.value()));
        }
        if (e instanceof Expr.Cast c) return new Expr.Cast(value(c.operand(), column, params, literals), c.type());
        return e;
    }
}
