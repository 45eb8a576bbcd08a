package io.waly.mongo.translate;

import io.waly.command.Expr;
import io.waly.command.Value;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonNull;
import org.bson.BsonRegularExpression;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * WHERE clauses to MongoDB filters with SQL's three-valued logic: a row matches when the condition is TRUE, never when
 * it is UNKNOWN. So {@code a <> 5} becomes {@code {a: {$nin: [5, null]}}} (MongoDB's {@code $ne} would match NULL),
 * NOT is pushed down to the leaves (De Morgan holds for "is TRUE"), {@code NOT IN} with a NULL in its list matches
 * nothing, and LIKE becomes an anchored regular expression.
 *
 * <p>Only comparisons between a column of a known type and a constant are pushed; the constant is converted to the
 * column's type first (a date literal compares as a Date). Whatever cannot be pushed — column against column,
 * functions of columns, a table created before the replayed range — stays as a {@link Filter#residual() residual}
 * that the replayer evaluates against each document with {@link Evaluator}: exact, only slower.
 */
public final class FilterTranslator {

    /** {@code pushed} selects a superset of the rows; {@code residual} (null: none) must also be TRUE. */
    public record Filter(BsonDocument pushed, Expr residual) {
        public boolean exact() {
            return residual == null;
        }
    }

    /** Matches no document (every document has an _id). */
    static final BsonDocument NOTHING = new BsonDocument("_id", new BsonDocument("$exists", BsonBoolean.FALSE));

    private static final class NotPushable extends RuntimeException {
        NotPushable() {
            super(null, null, false, false);
        }
    }

    private final Catalog.Table table;
    private final Evaluator ev;

    public FilterTranslator(Catalog.Table table, Evaluator ev) {
        this.table = table;
        this.ev = ev;
    }

    public Filter translate(Expr where) {
        if (where == null) return new Filter(new BsonDocument(), null);
        try {
            return new Filter(filter(where, false), null);
        } catch (NotPushable e) {
            // push what can be pushed of a conjunction, evaluate the rest per document
            List<Expr> terms = where instanceof Expr.And a ? a.terms() : List.of(where);
            List<BsonDocument> pushed = new ArrayList<>();
            List<Expr> rest = new ArrayList<>();
            for (Expr t : terms) {
                try {
                    pushed.add(filter(t, false));
                } catch (NotPushable n) {
                    rest.add(t);
                }
            }
            Expr residual = rest.size() == 1 ? rest.get(0) : new Expr.And(rest);
            Evaluator.checkEvaluable(residual);
            return new Filter(and(pushed), residual);
        }
    }

    private static BsonDocument and(List<BsonDocument> docs) {
        if (docs.isEmpty()) return new BsonDocument();
        if (docs.size() == 1) return docs.get(0);
        BsonArray a = new BsonArray();
        a.addAll(docs);
        return new BsonDocument("$and", a);
    }

    private static BsonDocument or(List<BsonDocument> docs) {
        if (docs.size() == 1) return docs.get(0);
        BsonArray a = new BsonArray();
        a.addAll(docs);
        return new BsonDocument("$or", a);
    }

    /** A filter for "e is TRUE" ({@code negate}: for "NOT e is TRUE"). */
    private BsonDocument filter(Expr e, boolean negate) {
        if (e instanceof Expr.Not n) return filter(n.operand(), !negate);
        if (e instanceof Expr.And a) {
            List<BsonDocument> parts = new ArrayList<>();
            for (Expr t : a.terms()) parts.add(filter(t, negate));
            return negate ? or(parts) : and(parts);
        }
        if (e instanceof Expr.Or o) {
            List<BsonDocument> parts = new ArrayList<>();
            for (Expr t : o.terms()) parts.add(filter(t, negate));
            return negate ? and(parts) : or(parts);
        }
        if (e instanceof Expr.Compare c) return compare(c, negate);
        if (e instanceof Expr.IsNull i) {
            String f = field(i.operand());
            return new BsonDocument(f, i.negated() != negate ? new BsonDocument("$ne", BsonNull.VALUE) : BsonNull.VALUE);
        }
        if (e instanceof Expr.In in) return in(in, negate);
        if (e instanceof Expr.Between b) {
            String f = field(b.operand());
            BsonValue lo = constant(b.low(), f), hi = constant(b.high(), f);
            if (lo == null || hi == null) throw new NotPushable();
            if (b.negated() == negate) return new BsonDocument(f, new BsonDocument("$gte", lo).append("$lte", hi));
            return or(List.of(new BsonDocument(f, new BsonDocument("$lt", lo)), new BsonDocument(f, new BsonDocument("$gt", hi))));
        }
        if (e instanceof Expr.Like l) {
            String f = field(l.operand());
            ColumnType t = table.type(f);
            if (!t.isText()) throw new NotPushable();
            if (!Evaluator.isConstant(l.pattern())) throw new NotPushable();
            Value p = ev.eval(l.pattern(), Evaluator.Row.NONE);
            if (p.isNull()) return NOTHING;
            BsonRegularExpression re = new BsonRegularExpression(Evaluator.likeToRegex(Types.text(p)), l.caseInsensitive() ? "si" : "s");
            if (l.negated() == negate) return new BsonDocument(f, re);
            return and(List.of(new BsonDocument(f, new BsonDocument("$ne", BsonNull.VALUE)), new BsonDocument(f, new BsonDocument("$not", re))));
        }
        if (e instanceof Expr.Column) {
            String f = field(e);
            if (!"bool".equals(table.type(f).base())) throw new NotPushable();
            return new BsonDocument(f, BsonBoolean.valueOf(!negate));
        }
        if (e instanceof Expr.Literal lit) {
            Value v = lit.value();
            if (v == null || v.isNull()) return NOTHING;
            if (v.value() instanceof Boolean b) return b != negate ? new BsonDocument() : NOTHING;
        }
        throw new NotPushable();
    }

    private BsonDocument compare(Expr.Compare c, boolean negate) {
        String op = c.op().equals("!=") ? "<>" : c.op();
        Expr col = c.left(), other = c.right();
        if (!(col instanceof Expr.Column)) {
            col = c.right();
            other = c.left();
            op = flip(op);
        }
        String f = field(col);
        BsonValue v = constant(other, f);
        if (v == null) return NOTHING;   // comparison with NULL is never TRUE, nor is its negation
        if (negate) op = negateOp(op);
        return switch (op) {
            case "=" -> new BsonDocument(f, v);
            case "<>" -> new BsonDocument(f, new BsonDocument("$nin", new BsonArray(List.of(v, BsonNull.VALUE))));
            case "<" -> new BsonDocument(f, new BsonDocument("$lt", v));
            case "<=" -> new BsonDocument(f, new BsonDocument("$lte", v));
            case ">" -> new BsonDocument(f, new BsonDocument("$gt", v));
            case ">=" -> new BsonDocument(f, new BsonDocument("$gte", v));
            default -> throw new NotPushable();
        };
    }

    private BsonDocument in(Expr.In in, boolean negate) {
        String f = field(in.operand());
        BsonArray values = new BsonArray();
        boolean hasNull = false;
        for (Expr x : in.list()) {
            BsonValue v = constant(x, f);
            if (v == null) hasNull = true;
            else values.add(v);
        }
        if (in.negated() == negate) return values.isEmpty() ? NOTHING : new BsonDocument(f, new BsonDocument("$in", values));
        if (hasNull) return NOTHING;   // x NOT IN (…, NULL) is never TRUE
        values.add(BsonNull.VALUE);
        return new BsonDocument(f, new BsonDocument("$nin", values));
    }

    private static String flip(String op) {
        return switch (op) {
            case "<" -> ">";
            case "<=" -> ">=";
            case ">" -> "<";
            case ">=" -> "<=";
            default -> op;
        };
    }

    private static String negateOp(String op) {
        return switch (op) {
            case "=" -> "<>";
            case "<>" -> "=";
            case "<" -> ">=";
            case "<=" -> ">";
            case ">" -> "<=";
            case ">=" -> "<";
            default -> throw new NotPushable();
        };
    }

    /** The field of a column of this table whose type is known and comparable in MongoDB as in PostgreSQL. */
    private String field(Expr e) {
        if (!(e instanceof Expr.Column c) || table == null) throw new NotPushable();
        String name = c.name();
        ColumnType t = table.type(name);
        if (t == null || t.array()) throw new NotPushable();
        switch (t.base()) {
            case "int2", "int4", "int8", "numeric", "float4", "float8", "text", "bpchar", "bool", "date", "timestamp",
                    "timestamptz", "uuid", "bytea" -> {
                return name;
            }
            default -> throw new NotPushable();
        }
    }

    /** The constant converted to the field's type; null for SQL NULL. */
    private BsonValue constant(Expr e, String field) {
        if (!Evaluator.isConstant(e)) throw new NotPushable();
        Value v = ev.eval(e, Evaluator.Row.NONE);
        if (v.isNull()) return null;
        ColumnType t = table.type(field);
        // PostgreSQL compares real with a numeric constant in double precision, not after rounding the constant to real
        if (t.base().equals("float4")) t = ColumnType.parse("float8");
        if (t.base().equals("bpchar") && v.value() instanceof String s) {
            // bpchar comparison ignores trailing spaces; stored values are padded to the length
            return new BsonString(Types.text(Types.coerce(Value.text(s.replaceAll(" +$", "")), t, ev.zone())));
        }
        try {
            return Types.toBson(v, t, ev.zone());
        } catch (UntranslatableException x) {
            throw new NotPushable();
        }
    }
}
