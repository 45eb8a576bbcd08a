package io.waly.jdbc.sql;

import io.waly.command.Command;
import io.waly.command.Expr;
import io.waly.command.Value;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.sf.jsqlparser.expression.*;
import net.sf.jsqlparser.expression.operators.arithmetic.*;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.relational.*;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserConstants;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.ReturningClause;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.ConflictActionType;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.Values;
import net.sf.jsqlparser.statement.truncate.Truncate;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.update.UpdateSet;

/**
 * Converts a parsed JSqlParser statement into the command model. Statement kinds without a structured form here
 * become {@code Sql(kind)}; expressions without one become {@code Raw(sql)}. Never returns null. It is also where the
 * token grammars ({@link DdlParser}, {@link CopyParser}) turn the expressions inside a statement into the model
 * ({@link #exprOf}).
 */
final class StatementConverter {
    private StatementConverter() {}

    static Command convert(Statement st) {
        if (st instanceof Insert i) return insert(i);
        if (st instanceof Update u) return update(u);
        if (st instanceof Delete d) return delete(d);
        if (st instanceof Merge m) {
            return new Command.Merge(table(m.getTable()), m.getFromItem() == null ? null : m.getFromItem().toString(),
                    expr(m.getOnCondition()));
        }
        if (st instanceof Truncate t) {
            List<Command.Table> tables = new ArrayList<>();
            if (t.getTables() != null) for (Table tb : t.getTables()) tables.add(table(tb));
            else if (t.getTable() != null) tables.add(table(t.getTable()));
            String text = t.toString().toUpperCase(Locale.ROOT);
            return new Command.Truncate(tables, text.contains("RESTART IDENTITY"), t.getCascade());
        }
        if (st instanceof net.sf.jsqlparser.statement.execute.Execute ex && ex.getExecType() == net.sf.jsqlparser.statement.execute.Execute.ExecType.CALL) {
            return new Command.Call(ex.getName(), ex.getExprList() == null ? List.of() : exprs(ex.getExprList()));
        }
        return new Command.Sql(st.getClass().getSimpleName().toUpperCase(Locale.ROOT));
    }

    private static Command insert(Insert i) {
        Command.Table table = table(i.getTable());
        List<String> columns = null;
        if (i.getColumns() != null) {
            columns = new ArrayList<>();
            for (Column c : i.getColumns()) columns.add(name(c.getColumnName()));
        }
        List<List<Expr>> rows = null;
        String query = null;
        Select select = i.getSelect();
        Values values = select instanceof Values v ? v : null;
        if (values == null && select != null && select.getPlainSelect() == null && select instanceof ParenthesedSelect ps
                && ps.getSelect() instanceof Values v2) {
            values = v2;
        }
        if (values != null) {
            rows = new ArrayList<>();
            ExpressionList<?> list = values.getExpressions();
            boolean multiRow = !list.isEmpty() && list.stream().allMatch(e -> e instanceof ParenthesedExpressionList<?> || e instanceof RowConstructor<?>);
            if (multiRow) {
                for (Object e : list) rows.add(exprs((ExpressionList<?>) e));
            } else {
                rows.add(exprs(list));
            }
        } else if (select != null) {
            query = select.toString();
        }
        Command.Insert insert = new Command.Insert(table, columns, rows, query, returning(i.getReturningClause()));
        if (i.getConflictAction() == null) return insert;
        List<String> conflictColumns = null;
        String constraint = null;
        if (i.getConflictTarget() != null) {
            conflictColumns = i.getConflictTarget().getIndexColumnNames() == null ? null
                    : i.getConflictTarget().getIndexColumnNames().stream().map(StatementConverter::name).toList();
            constraint = i.getConflictTarget().getConstraintName();
        }
        boolean doNothing = i.getConflictAction().getConflictActionType() == ConflictActionType.DO_NOTHING;
        return new Command.Upsert(insert, conflictColumns, constraint, doNothing,
                doNothing ? null : assignments(i.getConflictAction().getUpdateSets()), expr(i.getConflictAction().getWhereExpression()));
    }

    private static Command update(Update u) {
        List<String> from = null;
        if (u.getFromItem() != null) {
            from = new ArrayList<>();
            from.add(u.getFromItem().toString());
            if (u.getJoins() != null) for (Object j : u.getJoins()) from.add(j.toString());
        }
        return new Command.Update(table(u.getTable()), assignments(u.getUpdateSets()), expr(u.getWhere()), from,
                returning(u.getReturningClause()));
    }

    private static Command delete(Delete d) {
        List<String> using = null;
        if (d.getUsingFromItemList() != null && !d.getUsingFromItemList().isEmpty()) {
            using = new ArrayList<>();
            for (Object f : d.getUsingFromItemList()) using.add(f.toString());
        }
        return new Command.Delete(table(d.getTable()), expr(d.getWhere()), using, returning(d.getReturningClause()));
    }

    private static List<Command.Assignment> assignments(List<UpdateSet> sets) {
        List<Command.Assignment> out = new ArrayList<>();
        if (sets == null) return out;
        for (UpdateSet s : sets) {
            ExpressionList<Column> cols = s.getColumns();
            ExpressionList<?> vals = s.getValues();
            if (cols.size() == vals.size()) {
                for (int k = 0; k < cols.size(); k++) out.add(new Command.Assignment(name(cols.get(k).getColumnName()), expr(vals.get(k))));
            } else {
                // (a, b) = (SELECT …): one raw value for the column list
                for (Column c : cols) out.add(new Command.Assignment(name(c.getColumnName()), new Expr.Raw(vals.toString())));
            }
        }
        return out;
    }

    private static List<String> returning(ReturningClause r) {
        if (r == null) return null;
        List<String> out = new ArrayList<>();
        for (Object item : r) out.add(item.toString());
        return out;
    }

    static Command.Table table(Table t) {
        if (t == null) return null;
        return new Command.Table(t.getSchemaName() == null ? null : name(t.getSchemaName()), name(t.getName()));
    }

    /** Unquoted identifiers fold to lower case in PostgreSQL; quoted ones keep their case. */
    static String name(String identifier) {
        if (identifier == null) return null;
        if (identifier.length() >= 2 && identifier.startsWith("\"") && identifier.endsWith("\"")) {
            return identifier.substring(1, identifier.length() - 1).replace("\"\"", "\"");
        }
        return identifier.toLowerCase(Locale.ROOT);
    }

    private static List<Expr> exprs(ExpressionList<?> list) {
        List<Expr> out = new ArrayList<>();
        if (list != null) for (Expression e : list) out.add(expr(e));
        return out;
    }

    /** An expression given as SQL text, converted; {@link Expr.Raw} when JSqlParser cannot read all of it. */
    static Expr exprOf(String sql) {
        try {
            CCJSqlParser p = CCJSqlParserUtil.newParser(sql).withAllowComplexParsing(false);
            Expression e = p.Expression();
            return p.getNextToken().kind == CCJSqlParserConstants.EOF ? expr(e) : new Expr.Raw(sql);
        } catch (Throwable e) {   // ParseException, TokenMgrError, and anything JSqlParser trips over
            return new Expr.Raw(sql);
        }
    }

    @SuppressWarnings("removal")   // JSqlParser 5 still produces Parenthesis for some inputs
    static Expr expr(Expression e) {
        if (e == null) return null;
        if (e instanceof JdbcParameter p) return new Expr.Param(p.getIndex());
        if (e instanceof Column c) {
            if (c.getTable() == null && "default".equalsIgnoreCase(c.getColumnName())) return new Expr.Default();
            if (c.getTable() == null && ("true".equalsIgnoreCase(c.getColumnName()) || "false".equalsIgnoreCase(c.getColumnName()))) {
                return new Expr.Literal(Value.bool("true".equalsIgnoreCase(c.getColumnName())));
            }
            return new Expr.Column(c.getTable() == null || c.getTable().getName() == null ? null : name(c.getTable().getName()),
                    name(c.getColumnName()));
        }
        if (e instanceof LongValue l) return new Expr.Literal(SqlLexer.number(l.getStringValue()));
        if (e instanceof DoubleValue d) return new Expr.Literal(Value.numeric(new BigDecimal(d.toString())));
        if (e instanceof StringValue s) return new Expr.Literal(Value.text(s.getValue().replace("''", "'")));
        if (e instanceof NullValue) return new Expr.Literal(Value.NULL);
        if (e instanceof BooleanValue b) return new Expr.Literal(Value.bool(b.getValue()));
        if (e instanceof SignedExpression s) {
            Expr inner = expr(s.getExpression());
            return s.getSign() == '-' ? new Expr.Negate(inner) : inner;
        }
        if (e instanceof ParenthesedExpressionList<?> pl && pl.size() == 1) return expr(pl.get(0));
        if (e instanceof Parenthesis p) return expr(p.getExpression());
        if (e instanceof Addition a) return arith("+", a);
        if (e instanceof Subtraction a) return arith("-", a);
        if (e instanceof Multiplication a) return arith("*", a);
        if (e instanceof Division a) return arith("/", a);
        if (e instanceof Modulo a) return arith("%", a);
        if (e instanceof Concat a) return arith("||", a);
        if (e instanceof EqualsTo c) return cmp("=", c);
        if (e instanceof NotEqualsTo c) return cmp("<>", c);
        if (e instanceof GreaterThan c) return cmp(">", c);
        if (e instanceof GreaterThanEquals c) return cmp(">=", c);
        if (e instanceof MinorThan c) return cmp("<", c);
        if (e instanceof MinorThanEquals c) return cmp("<=", c);
        if (e instanceof AndExpression a) return new Expr.And(flatten(a, AndExpression.class));
        if (e instanceof OrExpression o) return new Expr.Or(flatten(o, OrExpression.class));
        if (e instanceof NotExpression n) return new Expr.Not(expr(n.getExpression()));
        if (e instanceof IsNullExpression n) return new Expr.IsNull(expr(n.getLeftExpression()), n.isNot());
        if (e instanceof Between b) {
            return new Expr.Between(expr(b.getLeftExpression()), expr(b.getBetweenExpressionStart()), expr(b.getBetweenExpressionEnd()), b.isNot());
        }
        if (e instanceof InExpression in && in.getRightExpression() instanceof ExpressionList<?> list
                && !(in.getRightExpression() instanceof Select)) {
            return new Expr.In(expr(in.getLeftExpression()), exprs(list), in.isNot());
        }
        if (e instanceof LikeExpression l) {
            boolean ci = l.getLikeKeyWord() == LikeExpression.KeyWord.ILIKE;
            boolean like = l.getLikeKeyWord() == LikeExpression.KeyWord.LIKE || ci;
            if (like && l.getEscape() == null) return new Expr.Like(expr(l.getLeftExpression()), expr(l.getRightExpression()), l.isNot(), ci);
        }
        if (e instanceof CastExpression c) return new Expr.Cast(expr(c.getLeftExpression()), c.getColDataType().toString());
        // DATE '2024-01-31', INTERVAL '1 day': a text literal read as the type
        if (e instanceof DateTimeLiteralExpression d && d.getValue().startsWith("'")) {
            return typedLiteral(d.getValue(), d.getType().name().toLowerCase(Locale.ROOT));
        }
        if (e instanceof IntervalExpression i && i.getIntervalType() == null && i.getIntervalQualifier() == null && i.getParameter() != null && i.getParameter().startsWith("'")) {
            return typedLiteral(i.getParameter(), "interval");
        }
        if (e instanceof TimeKeyExpression t) return new Expr.Func(t.getStringValue().toLowerCase(Locale.ROOT), List.of());
        if (e instanceof Function f && f.getName() != null && !f.isDistinct() && !f.isAllColumns()
                && (f.getParameters() == null || f.getParameters() instanceof ExpressionList<?>)) {
            List<Expr> args = f.getParameters() == null ? List.of() : exprs(f.getParameters());
            return new Expr.Func(f.getName().toLowerCase(Locale.ROOT), args);
        }
        return new Expr.Raw(e.toString());
    }

    private static Expr typedLiteral(String quoted, String type) {
        String value = quoted.substring(1, quoted.length() - 1).replace("''", "'");
        return new Expr.Cast(new Expr.Literal(Value.text(value)), type);
    }

    private static Expr arith(String op, BinaryExpression b) {
        return new Expr.Arith(op, expr(b.getLeftExpression()), expr(b.getRightExpression()));
    }

    private static Expr cmp(String op, BinaryExpression b) {
        return new Expr.Compare(op, expr(b.getLeftExpression()), expr(b.getRightExpression()));
    }

    @SuppressWarnings("removal")
    private static List<Expr> flatten(BinaryExpression b, Class<?> kind) {
        List<Expr> out = new ArrayList<>();
        for (Expression side : new Expression[] {b.getLeftExpression(), b.getRightExpression()}) {
            Expression s = side instanceof Parenthesis p && kind.isInstance(p.getExpression()) ? p.getExpression() : side;
            if (kind.isInstance(s)) out.addAll(flatten((BinaryExpression) s, kind));
            else out.add(expr(s));
        }
        return out;
    }
}
