package io.waly.jdbc.capture;

import io.waly.command.Command;
import io.waly.command.Expr;
import io.waly.jdbc.sql.SqlClassifier;
import io.waly.jdbc.sql.SqlInfo;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Decides, from a write's parsed command and its table, whether running it again at replay is provably the same as
 * its run on the source (design.md invariant 8). Replay applies transactions in commit order; a statement re-run
 * there can see rows its source run did not — committed after its snapshot, before its COMMIT — and so change other
 * rows. A statement whose effect depends only on its own values, or only on the one row a primary key names, cannot:
 *
 * <ul>
 *   <li>{@code INSERT … VALUES} of constants, parameters and deterministic functions of them (no subquery): its rows
 *       are its own. (A conflicting insert of another transaction serialises with it on the key.)</li>
 *   <li>{@code UPDATE}/{@code DELETE} whose {@code WHERE} names every column of the primary key with {@code =} to a
 *       constant or parameter, with nothing but the row's own columns, constants and deterministic functions in it and
 *       in {@code SET}, no {@code FROM}/{@code USING}, on a table without inheritance children: its source run found
 *       the row or not; found, the row was locked until its COMMIT, so every change to it is in the log before or
 *       after it, in the order replay applies; not found (a count of 0), replay skips it, so a row inserted after its
 *       snapshot cannot be touched.</li>
 *   <li>{@code INSERT … ON CONFLICT … DO UPDATE} of such values and such {@code SET}/{@code WHERE}: the conflicting
 *       row is locked, as for an UPDATE by key. ({@code DO NOTHING} locks nothing: a row deleted and committed by
 *       another transaction between its run and its COMMIT would let replay insert what the source did not.)</li>
 * </ul>
 *
 * Everything else — subqueries, joins, {@code INSERT … SELECT}, UPDATE and DELETE by anything but the key — has its
 * changed rows logged (row images), and replay applies those: {@link Rerun#ROWS}. Except a statement that calls a
 * function WAL-y does not know to change nothing (a function of the application's, {@code lo_from_bytea}, …): its side
 * effects are outside its rows, so it is re-run for them to happen on the target ({@link Rerun#OPAQUE}, a documented
 * limit). Decided once per statement shape.
 */
public final class RerunSafety {
    private RerunSafety() {}

    /** What replay must do with a write to reproduce it. */
    public enum Rerun {
        /** Re-running it is provably the same. */
        SAFE,
        /** Its changed rows must be logged and applied. */
        ROWS,
        /** It calls functions whose side effects WAL-y cannot see: re-run so that they happen. */
        OPAQUE
    }

    /**
     * Functions whose value depends only on their arguments (and the session's settings, which replay rebuilds):
     * re-running them computes the source's value.
     */
    private static final Set<String> DETERMINISTIC = Set.of("abs", "sign", "round", "trunc", "floor", "ceil", "ceiling",
            "mod", "div", "power", "pow", "sqrt", "cbrt", "exp", "ln", "log", "log10", "greatest", "least", "coalesce", "nullif",
            "lower", "upper", "initcap", "length", "char_length", "character_length", "octet_length", "concat", "concat_ws",
            "substr", "substring", "left", "right", "replace", "translate", "trim", "btrim", "ltrim", "rtrim", "lpad", "rpad",
            "repeat", "reverse", "split_part", "strpos", "position", "md5", "sha256", "encode", "decode", "format",
            "to_json", "to_jsonb", "json_build_object", "jsonb_build_object", "json_build_array", "jsonb_build_array",
            "jsonb_set", "jsonb_insert", "jsonb_strip_nulls", "array_append", "array_prepend", "array_cat", "array_remove",
            "array_replace", "array_length", "cardinality", "date_trunc", "date_part", "extract", "make_date", "make_time",
            "make_timestamp", "make_interval", "justify_days", "justify_hours", "justify_interval", "int4range",
            "int8range", "numrange", "daterange", "tsrange", "tstzrange", "to_char", "to_number", "to_date", "to_timestamp");

    /** Sequence functions: their one side effect, on a sequence, is logged as the sequence's state. */
    private static final Set<String> SEQUENCE_FUNCTIONS = Set.of("nextval", "setval", "currval", "lastval");

    /** An UPDATE or DELETE {@code WHERE CURRENT OF} a cursor: the row it changes is where a cursor, a read, stood. */
    public static boolean byCursorPosition(Command c) {
        Expr where = c instanceof Command.Update u ? u.where() : c instanceof Command.Delete d ? d.where() : null;
        return where instanceof Expr.Raw r && r.sql().regionMatches(true, 0, "CURRENT OF", 0, 10);
    }

    /**
     * {@link #of} for a text's command, decided once per text and table information: every prepare of the text asks,
     * and the walk over its expressions cost more than the rest of preparing it through WAL-y.
     */
    static Rerun of(SqlInfo info, EffectsCatalog.TableInfo t) {
        SqlInfo.Judged j = info.judged();
        if (j != null && j.table() == t) return (Rerun) j.rerun();
        Rerun r = of(info.command(), t);
        info.judged(new SqlInfo.Judged(t, r));
        return r;
    }

    /** What replay must do with {@code c} against {@code t} to reproduce its source run. */
    public static Rerun of(Command c, EffectsCatalog.TableInfo t) {
        Shape shape = new Shape(t);
        boolean safe;
        if (c instanceof Command.Insert i) {
            safe = shape.values(i);
        } else if (c instanceof Command.Upsert u) {
            safe = shape.values(u.insert()) & shape.all(u.set()) & shape.pure(u.where()) & !u.doNothing();
        } else if (c instanceof Command.Update u) {
            safe = shape.all(u.set()) & shape.byKey(u.where()) & none(u.from());
        } else if (c instanceof Command.Delete d) {
            safe = shape.byKey(d.where()) & none(d.using());
        } else {
            return Rerun.OPAQUE;
        }
        if (shape.opaque) return Rerun.OPAQUE;
        return safe ? Rerun.SAFE : Rerun.ROWS;
    }

    /** Walks one statement's expressions; notes on the way whether any calls a function of unknown effect. */
    private static final class Shape {
        private final EffectsCatalog.TableInfo t;
        boolean opaque;

        Shape(EffectsCatalog.TableInfo t) {
            this.t = t;
        }

        /** Every expression of the VALUES rows is pure (non-short-circuit: every one is looked at for opaque calls). */
        boolean values(Command.Insert i) {
            if (i.query() != null) {
                opaque |= !SqlClassifier.changesNothing(i.query());
                return false;
            }
            if (i.rows() == null) return false;
            boolean all = true;
            for (List<Expr> row : i.rows()) for (Expr e : row) all &= pure(e);
            return all;
        }

        boolean all(List<Command.Assignment> set) {
            boolean all = true;
            if (set != null) for (Command.Assignment a : set) all &= pure(a.value());
            return all;
        }

        /** The WHERE names every primary-key column with {@code =} to a constant or parameter, and is otherwise pure. */
        boolean byKey(Expr where) {
            boolean pure = pure(where);
            if (where == null || t.primaryKey().isEmpty() || t.hasChildren() || !pure) return false;
            List<Expr> terms = where instanceof Expr.And a ? a.terms() : List.of(where);
            for (String key : t.primaryKey()) {
                boolean named = false;
                for (Expr term : terms) named |= keyEquals(term, key);
                if (!named) return false;
            }
            return true;
        }

        /** Of the row's own columns, constants and deterministic calls: the same value on replay. */
        boolean pure(Expr e) {
            if (e == null) return true;
            if (e instanceof Expr.Column || e instanceof Expr.Literal || e instanceof Expr.Param) return true;
            if (e instanceof Expr.Default) return !t.volatileDefaults();
            if (e instanceof Expr.Raw r) {   // a subquery, CASE, a window: reads what it reads
                opaque |= !SqlClassifier.changesNothing(r.sql());
                return false;
            }
            if (e instanceof Expr.Arith a) return pure(a.left()) & pure(a.right());
            if (e instanceof Expr.Negate n) return pure(n.operand());
            if (e instanceof Expr.Compare c) return pure(c.left()) & pure(c.right());
            if (e instanceof Expr.And a) return allPure(a.terms());
            if (e instanceof Expr.Or o) return allPure(o.terms());
            if (e instanceof Expr.Not n) return pure(n.operand());
            if (e instanceof Expr.In in) return pure(in.operand()) & allPure(in.list());
            if (e instanceof Expr.IsNull n) return pure(n.operand());
            if (e instanceof Expr.Between b) return pure(b.operand()) & pure(b.low()) & pure(b.high());
            if (e instanceof Expr.Like l) return pure(l.operand()) & pure(l.pattern());
            if (e instanceof Expr.Cast c) return pure(c.operand());
            if (e instanceof Expr.Func f) {
                String name = f.name().toLowerCase(Locale.ROOT);
                boolean args = allPure(f.args());
                if (DETERMINISTIC.contains(name)) return args;
                if (!SqlClassifier.isReadOnlyFunction(name) && !SEQUENCE_FUNCTIONS.contains(name)) opaque = true;
                return false;
            }
            return false;
        }

        private boolean allPure(List<Expr> list) {
            boolean all = true;
            for (Expr x : list) all &= pure(x);
            return all;
        }
    }

    private static boolean keyEquals(Expr term, String key) {
        if (!(term instanceof Expr.Compare c) || !c.op().equals("=")) return false;
        return isColumn(c.left(), key) && isValue(c.right()) || isColumn(c.right(), key) && isValue(c.left());
    }

    private static boolean isColumn(Expr e, String name) {
        return e instanceof Expr.Column col && col.name().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT));
    }

    private static boolean isValue(Expr e) {
        if (e instanceof Expr.Cast c) return isValue(c.operand());
        return e instanceof Expr.Literal || e instanceof Expr.Param;
    }

    private static boolean none(List<String> tables) {
        return tables == null || tables.isEmpty();
    }
}
