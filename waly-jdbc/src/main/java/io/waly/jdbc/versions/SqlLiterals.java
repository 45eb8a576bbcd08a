package io.waly.jdbc.versions;

import io.waly.command.Expr;
import io.waly.command.Value;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * SQL text for a statement the driver writes in an application's stead (a write mapped to the database's schema
 * version): values as PostgreSQL literals, and a WHERE of the command model rendered back with its parameters
 * inlined. Values go inline so that the statement sent, and logged, is one text that runs as it reads — through the
 * application's plain statement as well as a prepared one. Strings are escape strings ({@code E'…'}), which read the
 * same whatever {@code standard_conforming_strings} says.
 */
final class SqlLiterals {
    private SqlLiterals() {}

    /** {@code v} as a literal, cast to {@code type} when given (the model's type of its column). */
    static String of(Value v, String type) {
        String cast = type == null ? "" : "::" + type;
        if (v == null || v.isNull()) return "NULL" + cast;
        Object o = v.value();
        String lit = switch (v.kind()) {
            case BOOL -> Boolean.TRUE.equals(o) ? "TRUE" : "FALSE";
            case INT2, INT4, INT8, NUMERIC -> o.toString();
            case FLOAT4, FLOAT8 -> o instanceof Double d && (d.isNaN() || d.isInfinite()) ? text(o.toString()) : o.toString();
            case BYTES -> "E'\\\\x" + HexFormat.of().formatHex((byte[]) o) + "'";
            case ARRAY -> {
                List<String> elements = new ArrayList<>();
                for (Value e : v.elements()) elements.add(of(e, null));
                yield elements.isEmpty() ? "'{}'" : "ARRAY[" + String.join(", ", elements) + "]";
            }
            default -> text(String.valueOf(o));
        };
        return lit + cast;
    }

    private static String text(String s) {
        return "E'" + s.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /**
     * A WHERE as SQL: column names bare (the statement writes one table), literals and parameters inline. Expressions
     * the command model keeps as raw text are refused: their text could not be checked.
     */
    static String where(Expr e, List<Value> params) throws RowMapping.Unmappable {
        if (e instanceof Expr.Column c) return RowMapping.quote(c.name());
        if (e instanceof Expr.Literal l) return of(l.value(), null);
        if (e instanceof Expr.Param p) return of(RowMapping.value(p, params), null);
        if (e instanceof Expr.Cast c) return "CAST(" + where(c.operand(), params) + " AS " + c.type() + ")";
        if (e instanceof Expr.Arith a) return "(" + where(a.left(), params) + " " + a.op() + " " + where(a.right(), params) + ")";
        if (e instanceof Expr.Negate n) return "(-" + where(n.operand(), params) + ")";
        if (e instanceof Expr.Compare c) return "(" + where(c.left(), params) + " " + c.op() + " " + where(c.right(), params) + ")";
        if (e instanceof Expr.And a) return join(a.terms(), " AND ", params);
        if (e instanceof Expr.Or o) return join(o.terms(), " OR ", params);
        if (e instanceof Expr.Not n) return "(NOT " + where(n.operand(), params) + ")";
        if (e instanceof Expr.IsNull n) return "(" + where(n.operand(), params) + (n.negated() ? " IS NOT NULL)" : " IS NULL)");
        if (e instanceof Expr.In in) {
            List<String> items = new ArrayList<>();
            for (Expr x : in.list()) items.add(where(x, params));
            return "(" + where(in.operand(), params) + (in.negated() ? " NOT IN (" : " IN (") + String.join(", ", items) + "))";
        }
        if (e instanceof Expr.Between b) {
            return "(" + where(b.operand(), params) + (b.negated() ? " NOT BETWEEN " : " BETWEEN ") + where(b.low(), params)
                    + " AND " + where(b.high(), params) + ")";
        }
        if (e instanceof Expr.Like l) {
            return "(" + where(l.operand(), params) + (l.negated() ? " NOT" : "") + (l.caseInsensitive() ? " ILIKE " : " LIKE ")
                    + where(l.pattern(), params) + ")";
        }
        if (e instanceof Expr.Func f) {
            List<String> args = new ArrayList<>();
            for (Expr x : f.args()) args.add(where(x, params));
            return f.name() + "(" + String.join(", ", args) + ")";
        }
        throw new RowMapping.Unmappable("its WHERE holds " + e + ", which WAL-y does not write back as SQL");
    }

    private static String join(List<Expr> terms, String op, List<Value> params) throws RowMapping.Unmappable {
        List<String> out = new ArrayList<>();
        for (Expr t : terms) out.add(where(t, params));
        return "(" + String.join(op, out) + ")";
    }
}
