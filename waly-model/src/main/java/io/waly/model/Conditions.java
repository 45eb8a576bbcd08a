package io.waly.model;

import io.waly.command.Command;
import io.waly.command.Expr;
import io.waly.command.Value;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Set;

/**
 * Whether an UPDATE's or DELETE's WHERE bounds anything: absent, or true for every row after constant folding —
 * {@code 1 = 1}, {@code true}, {@code 'a' = 'a'}, {@code x = x}, {@code … OR TRUE}, {@code NOT false}, {@code 2 > 1},
 * {@code 1 + 1 = 2}, {@code NULL IS NULL}, {@code 1 IN (1, 2)}, {@code 2 BETWEEN 1 AND 3}, casts of constants. A bound
 * parameter is not a constant: policies decide once per statement shape, before any value is bound.
 *
 * <p>Folding is three-valued as SQL's: a comparison with NULL is unknown, and {@code x = x} is taken as true (it is,
 * for every row whose x is not NULL: written as a condition, it means "every row").
 */
final class Conditions {
    private Conditions() {}

    /** The WHERE of an UPDATE or DELETE (null when it has none); false for every other command. */
    static boolean hasWhere(Command c) {
        return c instanceof Command.Update || c instanceof Command.Delete;
    }

    static Expr where(Command c) {
        if (c instanceof Command.Update u) return u.where();
        if (c instanceof Command.Delete d) return d.where();
        return null;
    }

    /** True when the condition holds for every row (see the class comment). */
    static boolean alwaysTrue(Expr e) {
        return truth(e) == Boolean.TRUE;
    }

    /** Not a constant. */
    private static final Object VARIES = new Object();
    /** SQL NULL (unknown, for a condition). */
    private static final Object NULL = new Object();

    private static final Set<String> TRUE_WORDS = Set.of("true", "t", "yes", "y", "on", "1");
    private static final Set<String> FALSE_WORDS = Set.of("false", "f", "no", "n", "off", "0");

    /** TRUE, FALSE, or null (unknown or varies). */
    private static Boolean truth(Expr e) {
        if (e instanceof Expr.Or o) {
            boolean allFalse = true;
            for (Expr t : o.terms()) {
                Boolean b = truth(t);
                if (b == Boolean.TRUE) return true;
                if (b != Boolean.FALSE) allFalse = false;
            }
            return allFalse ? Boolean.FALSE : null;
        }
        if (e instanceof Expr.And a) {
            boolean allTrue = true;
            for (Expr t : a.terms()) {
                Boolean b = truth(t);
                if (b == Boolean.FALSE) return false;
                if (b != Boolean.TRUE) allTrue = false;
            }
            return allTrue ? Boolean.TRUE : null;
        }
        if (e instanceof Expr.Not n) {
            Boolean b = truth(n.operand());
            return b == null ? null : !b;
        }
        if (e instanceof Expr.Compare c && sameColumn(c.left(), c.right())) {
            return switch (c.op()) {
                case "=", "<=", ">=" -> true;
                case "<>", "!=", "<", ">" -> false;
                default -> null;
            };
        }
        Object v = constant(e);
        return v instanceof Boolean b ? b : null;
    }

    private static boolean sameColumn(Expr l, Expr r) {
        return l instanceof Expr.Column a && r instanceof Expr.Column b && a.equals(b) && !isBoolWord(a);
    }

    private static boolean isBoolWord(Expr.Column c) {
        return c.table() == null && (c.name().equals("true") || c.name().equals("false"));
    }

    /** The value of a constant expression: Boolean, BigDecimal, String, {@link #NULL}; {@link #VARIES} otherwise. */
    private static Object constant(Expr e) {
        if (e instanceof Expr.Literal l) return literal(l.value());
        if (e instanceof Expr.Column c && isBoolWord(c)) return c.name().equals("true");
        if (e instanceof Expr.Raw r) {
            String s = r.sql().trim().toLowerCase(Locale.ROOT);
            return s.equals("true") ? Boolean.TRUE : s.equals("false") ? Boolean.FALSE : VARIES;
        }
        if (e instanceof Expr.Cast c) return cast(constant(c.operand()), c.type());
        if (e instanceof Expr.Negate n) {
            Object v = constant(n.operand());
            return v instanceof BigDecimal d ? d.negate() : v == NULL ? NULL : VARIES;
        }
        if (e instanceof Expr.Arith a) return arith(a.op(), constant(a.left()), constant(a.right()));
        if (e instanceof Expr.Compare c) return compare(c.op(), constant(c.left()), constant(c.right()));
        if (e instanceof Expr.IsNull n) {
            Object v = constant(n.operand());
            if (v == VARIES) return VARIES;
            return (v == NULL) != n.negated();
        }
        if (e instanceof Expr.Between b) {
            Object lo = compare(">=", constant(b.operand()), constant(b.low()));
            Object hi = compare("<=", constant(b.operand()), constant(b.high()));
            Object both = and(lo, hi);
            return both instanceof Boolean x && b.negated() ? !x : both;
        }
        if (e instanceof Expr.In in) {
            Object v = constant(in.operand());
            if (v == VARIES) return VARIES;
            boolean unknown = false;
            for (Expr x : in.list()) {
                Object eq = compare("=", v, constant(x));
                if (eq == Boolean.TRUE) return !in.negated();
                if (eq != Boolean.FALSE) unknown = true;
            }
            return unknown ? VARIES : in.negated();
        }
        if (e instanceof Expr.And || e instanceof Expr.Or || e instanceof Expr.Not) {
            Boolean b = truth(e);
            return b == null ? VARIES : b;
        }
        return VARIES;
    }

    private static Object and(Object a, Object b) {
        if (a == Boolean.FALSE || b == Boolean.FALSE) return false;
        if (a == Boolean.TRUE && b == Boolean.TRUE) return true;
        return VARIES;
    }

    private static Object literal(Value v) {
        Object o = v.value();
        return switch (v.kind()) {
            case NULL -> NULL;
            case BOOL -> o;
            case INT2, INT4, INT8 -> BigDecimal.valueOf(((Number) o).longValue());
            case FLOAT4, FLOAT8 -> o instanceof Double d && Double.isFinite(d) ? BigDecimal.valueOf(d) : VARIES;
            case NUMERIC -> o instanceof BigDecimal d ? d : VARIES;
            case TEXT -> o;
            default -> VARIES;
        };
    }

    private static Object cast(Object v, String type) {
        if (v == VARIES || v == NULL || type == null) return v;
        String t = type.trim().toLowerCase(Locale.ROOT);
        if (t.equals("bool") || t.equals("boolean")) {
            if (v instanceof Boolean) return v;
            String s = v.toString().trim().toLowerCase(Locale.ROOT);
            return TRUE_WORDS.contains(s) ? Boolean.TRUE : FALSE_WORDS.contains(s) ? Boolean.FALSE : VARIES;
        }
        if (t.startsWith("int") || t.startsWith("numeric") || t.startsWith("decimal") || t.equals("bigint") || t.equals("smallint")) {
            if (v instanceof BigDecimal) return v;
            try {
                return new BigDecimal(v.toString().trim());
            } catch (NumberFormatException e) {
                return VARIES;
            }
        }
        if (t.equals("text") || t.startsWith("varchar") || t.startsWith("character varying")) return v.toString();
        return VARIES;
    }

    private static Object arith(String op, Object l, Object r) {
        if (l == VARIES || r == VARIES) return VARIES;
        if (l == NULL || r == NULL) return NULL;
        if (op.equals("||")) return l instanceof String a && r instanceof String b ? a + b : VARIES;
        if (!(l instanceof BigDecimal a) || !(r instanceof BigDecimal b)) return VARIES;
        return switch (op) {
            case "+" -> a.add(b);
            case "-" -> a.subtract(b);
            case "*" -> a.multiply(b);
            default -> VARIES;   // division and modulo: integer semantics and zero divisors, left unfolded
        };
    }

    private static Object compare(String op, Object l, Object r) {
        if (l == VARIES || r == VARIES) return VARIES;
        if (l == NULL || r == NULL) return NULL;
        int c;
        if (l instanceof BigDecimal a && r instanceof BigDecimal b) c = a.compareTo(b);
        else if (l instanceof String a && r instanceof String b) c = a.compareTo(b);   // C collation: only = and <> are sure
        else if (l instanceof Boolean a && r instanceof Boolean b) c = Boolean.compare(a, b);
        else return VARIES;
        boolean strings = l instanceof String;
        return switch (op) {
            case "=" -> c == 0;
            case "<>", "!=" -> c != 0;
            case "<" -> strings ? VARIES : c < 0;
            case "<=" -> strings ? VARIES : c <= 0;
            case ">" -> strings ? VARIES : c > 0;
            case ">=" -> strings ? VARIES : c >= 0;
            default -> VARIES;
        };
    }

    /** For messages: what kind of WHERE a statement has. */
    static String describe(Command c) {
        Expr w = where(c);
        return w == null ? "no WHERE" : "a WHERE that is always true";
    }
}
