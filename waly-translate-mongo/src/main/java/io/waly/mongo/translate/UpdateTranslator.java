package io.waly.mongo.translate;

import io.waly.command.Command;
import io.waly.command.Expr;
import io.waly.command.Value;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * SET clauses to MongoDB update documents: a constant (or DEFAULT) becomes {@code $set}; {@code col = col ± constant}
 * becomes {@code $inc} where MongoDB's addition is PostgreSQL's (integers with an integral constant, double precision;
 * not numeric: a Decimal128 sum beyond 34 digits would be rounded silently, where the evaluator fails loudly). Anything else — arithmetic between columns, functions of
 * columns, a changed primary key — is {@link Plan#computed() computed}: evaluated per document with PostgreSQL's
 * semantics and written with {@code $set} by _id. (Update pipelines would run on the server, but their operators are
 * not PostgreSQL's: {@code $divide} of integers gives a double, {@code $round} rounds half to even, numeric typmods
 * have no equivalent; see the README.)
 */
public final class UpdateTranslator {

    /** {@code update} is the update document when the plan is not computed; {@code assigns} always. */
    public record Plan(BsonDocument update, boolean computed, List<MongoOp.Assign> assigns) {}

    private final Catalog.Table table;
    private final Evaluator ev;

    public UpdateTranslator(Catalog.Table table, Evaluator ev) {
        this.table = table;
        this.ev = ev;
    }

    public Plan translate(List<Command.Assignment> set) {
        List<MongoOp.Assign> assigns = new ArrayList<>();
        for (Command.Assignment a : set) {
            String col = stripQualifier(a.column());
            assigns.add(new MongoOp.Assign(col, a.value(), table == null ? null : table.type(col)));
        }
        BsonDocument $set = new BsonDocument();
        BsonDocument $inc = new BsonDocument();
        boolean computed = false;
        for (MongoOp.Assign a : assigns) {
            if (table != null && table.primaryKey().contains(a.column())) {
                computed = true;   // _id changes: the document is replaced
                continue;
            }
            if (a.value() instanceof Expr.Default) {
                Catalog.Column c = table == null ? null : table.column(a.column());
                if (c == null) throw new UntranslatableException("SET " + a.column() + " = DEFAULT on a table whose definition is not in the log");
                $set.put(a.column(), Types.toBson(ev.defaultValue(c), c.type(), ev.zone()));
            } else if (Evaluator.isConstant(a.value())) {
                $set.put(a.column(), Types.toBson(ev.eval(a.value(), Evaluator.Row.NONE), a.type(), ev.zone()));
            } else {
                BsonValue inc = increment(a);
                if (inc != null) $inc.put(a.column(), inc);
                else {
                    Evaluator.checkEvaluable(a.value());
                    computed = true;
                }
            }
        }
        if (computed) return new Plan(null, true, assigns);
        BsonDocument update = new BsonDocument();
        if (!$set.isEmpty()) update.put("$set", $set);
        if (!$inc.isEmpty()) update.put("$inc", $inc);
        return new Plan(update, false, assigns);
    }

    private static String stripQualifier(String column) {
        int dot = column.lastIndexOf('.');
        return dot < 0 || column.endsWith("\"") && column.lastIndexOf('"', column.length() - 2) > dot ? column : column.substring(dot + 1);
    }

    /** The $inc amount for {@code col = col ± constant} when MongoDB's addition equals PostgreSQL's; else null. */
    private BsonValue increment(MongoOp.Assign a) {
        if (!(a.value() instanceof Expr.Arith ar) || a.type() == null) return null;
        if (!ar.op().equals("+") && !ar.op().equals("-")) return null;
        Expr constant;
        if (isSelf(ar.left(), a.column()) && Evaluator.isConstant(ar.right())) constant = ar.right();
        else if (ar.op().equals("+") && isSelf(ar.right(), a.column()) && Evaluator.isConstant(ar.left())) constant = ar.left();
        else return null;
        Value v = ev.eval(constant, Evaluator.Row.NONE);
        if (v.isNull()) return null;   // col + NULL is NULL: computed
        boolean minus = ar.op().equals("-");
        ColumnType t = a.type();
        if (t.isInteger() && v.value() instanceof Long l) {
            return Types.toBson(Value.int8(minus ? -l : l), t, ev.zone());
        }
        if (t.base().equals("float8") && (v.value() instanceof Long || v.value() instanceof Double)) {
            double d = Types.toDouble(v);
            return Types.toBson(Value.float8(minus ? -d : d));
        }
        return null;
    }

    private static boolean isSelf(Expr e, String column) {
        return e instanceof Expr.Column c && c.name().equals(column);
    }
}
