package io.waly.log.payload;

import static io.waly.log.payload.Cbor.*;

import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import io.waly.command.Command;
import io.waly.command.Command.*;
import io.waly.command.Expr;
import io.waly.command.Expr.*;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The command model in CBOR (FORMAT.md, "Commands" and "Expressions"). A command is a map whose {@code type} names
 * its kind; an expression is an array whose first element names its kind. Readers skip map fields and trailing array
 * elements they do not know; an unknown command type reads as {@code Sql("UNKNOWN:type")}.
 */
public final class CommandCodec {
    private CommandCodec() {}

    // ---------------------------------------------------------------- write

    public static void write(CBORGenerator g, Command c) throws IOException {
        g.writeStartObject();
        if (c instanceof Insert i) {
            g.writeStringField("type", "insert");
            writeInsertFields(g, i);
        } else if (c instanceof Upsert u) {
            g.writeStringField("type", "upsert");
            writeInsertFields(g, u.insert());
            writeStrings(g, "conflictColumns", u.conflictColumns());
            writeOptString(g, "conflictConstraint", u.conflictConstraint());
            g.writeBooleanField("doNothing", u.doNothing());
            writeAssignments(g, u.set());
            writeExprField(g, "where", u.where());
        } else if (c instanceof Update u) {
            g.writeStringField("type", "update");
            writeTable(g, "table", u.table());
            writeAssignments(g, u.set());
            writeExprField(g, "where", u.where());
            writeStrings(g, "from", u.from());
            writeStrings(g, "returning", u.returning());
        } else if (c instanceof Delete d) {
            g.writeStringField("type", "delete");
            writeTable(g, "table", d.table());
            writeExprField(g, "where", d.where());
            writeStrings(g, "using", d.using());
            writeStrings(g, "returning", d.returning());
        } else if (c instanceof Merge m) {
            g.writeStringField("type", "merge");
            writeTable(g, "table", m.target());
            writeOptString(g, "source", m.source());
            writeExprField(g, "on", m.on());
        } else if (c instanceof Truncate t) {
            g.writeStringField("type", "truncate");
            g.writeFieldName("tables");
            g.writeStartArray();
            for (Table tb : t.tables()) writeTableValue(g, tb);
            g.writeEndArray();
            g.writeBooleanField("restartIdentity", t.restartIdentity());
            g.writeBooleanField("cascade", t.cascade());
        } else if (c instanceof Ddl d) {
            g.writeStringField("type", "ddl");
            g.writeStringField("kind", d.kind());
            writeStrings(g, "objects", d.objects());
            if (d.table() != null) {
                g.writeFieldName("definition");
                writeTableDef(g, d.table());
            }
            if (d.actions() != null) {
                g.writeFieldName("actions");
                g.writeStartArray();
                for (AlterAction a : d.actions()) {
                    g.writeStartObject();
                    g.writeStringField("action", a.action());
                    writeOptString(g, "column", a.column());
                    writeOptString(g, "newName", a.newName());
                    if (a.definition() != null) {
                        g.writeFieldName("definition");
                        writeColumnDef(g, a.definition());
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            writeStrings(g, "columns", d.columns());
            if (d.unique()) g.writeBooleanField("unique", true);
            if (d.ifExists()) g.writeBooleanField("ifExists", true);
        } else if (c instanceof Copy cp) {
            g.writeStringField("type", "copy");
            writeTable(g, "table", cp.table());
            writeStrings(g, "columns", cp.columns());
            writeOptString(g, "format", cp.format());
            writeOptString(g, "options", cp.options());
        } else if (c instanceof Call cl) {
            g.writeStringField("type", "call");
            g.writeStringField("procedure", cl.procedure());
            writeExprList(g, "args", cl.args());
        } else if (c instanceof Sql s) {
            g.writeStringField("type", "sql");
            g.writeStringField("kind", s.kind());
        }
        g.writeEndObject();
    }

    private static void writeInsertFields(CBORGenerator g, Insert i) throws IOException {
        writeTable(g, "table", i.table());
        writeStrings(g, "columns", i.columns());
        if (i.rows() != null) {
            g.writeFieldName("rows");
            g.writeStartArray();
            for (List<Expr> row : i.rows()) {
                g.writeStartArray();
                for (Expr e : row) writeExpr(g, e);
                g.writeEndArray();
            }
            g.writeEndArray();
        }
        writeOptString(g, "query", Cbor.text(i.query()));
        writeStrings(g, "returning", i.returning());
    }

    private static void writeAssignments(CBORGenerator g, List<Assignment> set) throws IOException {
        if (set == null) return;
        g.writeFieldName("set");
        g.writeStartArray();
        for (Assignment a : set) {
            g.writeStartArray();
            g.writeString(a.column());
            writeExpr(g, a.value());
            g.writeEndArray();
        }
        g.writeEndArray();
    }

    private static void writeTable(CBORGenerator g, String field, Table t) throws IOException {
        if (t == null) return;
        g.writeFieldName(field);
        writeTableValue(g, t);
    }

    private static void writeTableValue(CBORGenerator g, Table t) throws IOException {
        g.writeStartArray();
        if (t.schema() == null) g.writeNull(); else g.writeString(t.schema());
        g.writeString(t.name());
        g.writeEndArray();
    }

    private static void writeTableDef(CBORGenerator g, TableDef t) throws IOException {
        g.writeStartObject();
        g.writeFieldName("columns");
        g.writeStartArray();
        for (ColumnDef c : t.columns()) writeColumnDef(g, c);
        g.writeEndArray();
        writeStrings(g, "primaryKey", t.primaryKey());
        if (t.unique() != null && !t.unique().isEmpty()) {
            g.writeFieldName("unique");
            g.writeStartArray();
            for (List<String> u : t.unique()) {
                g.writeStartArray();
                for (String s : u) g.writeString(s);
                g.writeEndArray();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private static void writeColumnDef(CBORGenerator g, ColumnDef c) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", c.name());
        writeOptString(g, "type", c.type());
        if (c.notNull()) g.writeBooleanField("notNull", true);
        writeOptString(g, "default", c.defaultSql());
        g.writeEndObject();
    }

    private static void writeExprField(CBORGenerator g, String field, Expr e) throws IOException {
        if (e == null) return;
        g.writeFieldName(field);
        writeExpr(g, e);
    }

    private static void writeExprList(CBORGenerator g, String field, List<Expr> list) throws IOException {
        if (list == null) return;
        g.writeFieldName(field);
        g.writeStartArray();
        for (Expr e : list) writeExpr(g, e);
        g.writeEndArray();
    }

    public static void writeExpr(CBORGenerator g, Expr e) throws IOException {
        g.writeStartArray();
        if (e instanceof Column c) {
            g.writeString("col");
            if (c.table() == null) g.writeNull(); else g.writeString(c.table());
            g.writeString(c.name());
        } else if (e instanceof Literal l) {
            g.writeString("lit");
            ValueCodec.write(g, l.value());
        } else if (e instanceof Param p) {
            g.writeString("param");
            g.writeNumber(p.index());
        } else if (e instanceof Arith a) {
            g.writeString("arith");
            g.writeString(a.op());
            writeExpr(g, a.left());
            writeExpr(g, a.right());
        } else if (e instanceof Negate n) {
            g.writeString("neg");
            writeExpr(g, n.operand());
        } else if (e instanceof Func f) {
            g.writeString("func");
            g.writeString(f.name());
            for (Expr x : f.args()) writeExpr(g, x);
        } else if (e instanceof Compare c) {
            g.writeString("cmp");
            g.writeString(c.op());
            writeExpr(g, c.left());
            writeExpr(g, c.right());
        } else if (e instanceof And a) {
            g.writeString("and");
            for (Expr x : a.terms()) writeExpr(g, x);
        } else if (e instanceof Or o) {
            g.writeString("or");
            for (Expr x : o.terms()) writeExpr(g, x);
        } else if (e instanceof Not n) {
            g.writeString("not");
            writeExpr(g, n.operand());
        } else if (e instanceof In in) {
            g.writeString(in.negated() ? "notin" : "in");
            writeExpr(g, in.operand());
            for (Expr x : in.list()) writeExpr(g, x);
        } else if (e instanceof IsNull n) {
            g.writeString(n.negated() ? "notnull" : "isnull");
            writeExpr(g, n.operand());
        } else if (e instanceof Between b) {
            g.writeString(b.negated() ? "notbetween" : "between");
            writeExpr(g, b.operand());
            writeExpr(g, b.low());
            writeExpr(g, b.high());
        } else if (e instanceof Like l) {
            g.writeString((l.negated() ? "not" : "") + (l.caseInsensitive() ? "ilike" : "like"));
            writeExpr(g, l.operand());
            writeExpr(g, l.pattern());
        } else if (e instanceof Cast c) {
            g.writeString("cast");
            writeExpr(g, c.operand());
            g.writeString(c.type());
        } else if (e instanceof Default d) {
            g.writeString("default");
        } else if (e instanceof Raw r) {
            g.writeString("raw");
            g.writeString(r.sql());
        }
        g.writeEndArray();
    }

    // ---------------------------------------------------------------- read

    public static Command read(Object decoded) {
        Map<String, Object> m = map(decoded);
        String type = str(m.get("type"));
        if (type == null) return new Sql("UNKNOWN");
        return switch (type) {
            case "insert" -> readInsert(m);
            case "upsert" -> new Upsert(readInsert(m), strings(m.get("conflictColumns")), str(m.get("conflictConstraint")),
                    bool(m.get("doNothing")), readAssignments(m.get("set")), readExprOrNull(m.get("where")));
            case "update" -> new Update(readTable(m.get("table")), readAssignments(m.get("set")), readExprOrNull(m.get("where")),
                    strings(m.get("from")), strings(m.get("returning")));
            case "delete" -> new Delete(readTable(m.get("table")), readExprOrNull(m.get("where")), strings(m.get("using")),
                    strings(m.get("returning")));
            case "merge" -> new Merge(readTable(m.get("table")), str(m.get("source")), readExprOrNull(m.get("on")));
            case "truncate" -> {
                List<Table> tables = new ArrayList<>();
                for (Object t : list(m.get("tables"))) tables.add(readTable(t));
                yield new Truncate(tables, bool(m.get("restartIdentity")), bool(m.get("cascade")));
            }
            case "ddl" -> {
                List<AlterAction> actions = null;
                if (m.containsKey("actions")) {
                    actions = new ArrayList<>();
                    for (Object o : list(m.get("actions"))) {
                        Map<String, Object> a = map(o);
                        actions.add(new AlterAction(str(a.get("action")), str(a.get("column")), str(a.get("newName")),
                                a.containsKey("definition") ? readColumnDef(a.get("definition")) : null));
                    }
                }
                yield new Ddl(str(m.get("kind")), strings(m.get("objects")),
                        m.containsKey("definition") ? readTableDef(m.get("definition")) : null, actions,
                        strings(m.get("columns")), bool(m.get("unique")), bool(m.get("ifExists")));
            }
            case "copy" -> new Copy(readTable(m.get("table")), strings(m.get("columns")), str(m.get("format")), str(m.get("options")));
            case "call" -> new Call(str(m.get("procedure")), readExprs(m.get("args")));
            case "sql" -> new Sql(str(m.get("kind")));
            default -> new Sql("UNKNOWN:" + type);
        };
    }

    private static Insert readInsert(Map<String, Object> m) {
        List<List<Expr>> rows = null;
        if (m.containsKey("rows")) {
            rows = new ArrayList<>();
            for (Object r : list(m.get("rows"))) rows.add(readExprs(r));
        }
        return new Insert(readTable(m.get("table")), strings(m.get("columns")), rows, str(m.get("query")), strings(m.get("returning")));
    }

    private static List<Assignment> readAssignments(Object o) {
        if (o == null) return null;
        List<Assignment> out = new ArrayList<>();
        for (Object a : list(o)) {
            List<Object> pair = list(a);
            out.add(new Assignment(str(pair.get(0)), readExpr(pair.get(1))));
        }
        return out;
    }

    private static Table readTable(Object o) {
        if (o == null) return null;
        List<Object> a = list(o);
        return new Table(str(a.get(0)), str(a.get(1)));
    }

    private static TableDef readTableDef(Object o) {
        Map<String, Object> m = map(o);
        List<ColumnDef> cols = new ArrayList<>();
        for (Object c : list(m.get("columns"))) cols.add(readColumnDef(c));
        List<List<String>> unique = new ArrayList<>();
        for (Object u : list(m.get("unique"))) unique.add(strings(u));
        return new TableDef(cols, strings(m.get("primaryKey")), unique);
    }

    private static ColumnDef readColumnDef(Object o) {
        Map<String, Object> c = map(o);
        return new ColumnDef(str(c.get("name")), str(c.get("type")), bool(c.get("notNull")), str(c.get("default")));
    }

    private static List<Expr> readExprs(Object o) {
        if (o == null) return null;
        List<Expr> out = new ArrayList<>();
        for (Object e : list(o)) out.add(readExpr(e));
        return out;
    }

    private static Expr readExprOrNull(Object o) {
        return o == null ? null : readExpr(o);
    }

    public static Expr readExpr(Object o) {
        List<Object> a = list(o);
        String tag = str(a.get(0));
        return switch (tag) {
            case "col" -> new Column(str(a.get(1)), str(a.get(2)));
            case "lit" -> new Literal(ValueCodec.read(a.get(1)));
            case "param" -> new Param((int) num(a.get(1), 0));
            case "arith" -> new Arith(str(a.get(1)), readExpr(a.get(2)), readExpr(a.get(3)));
            case "neg" -> new Negate(readExpr(a.get(1)));
            case "func" -> new Func(str(a.get(1)), readExprs(a.subList(2, a.size())));
            case "cmp" -> new Compare(str(a.get(1)), readExpr(a.get(2)), readExpr(a.get(3)));
            case "and" -> new And(readExprs(a.subList(1, a.size())));
            case "or" -> new Or(readExprs(a.subList(1, a.size())));
            case "not" -> new Not(readExpr(a.get(1)));
            case "in", "notin" -> new In(readExpr(a.get(1)), readExprs(a.subList(2, a.size())), tag.equals("notin"));
            case "isnull", "notnull" -> new IsNull(readExpr(a.get(1)), tag.equals("notnull"));
            case "between", "notbetween" -> new Between(readExpr(a.get(1)), readExpr(a.get(2)), readExpr(a.get(3)),
                    tag.equals("notbetween"));
            case "like", "notlike", "ilike", "notilike" -> new Like(readExpr(a.get(1)), readExpr(a.get(2)),
                    tag.startsWith("not"), tag.endsWith("ilike"));
            case "cast" -> new Cast(readExpr(a.get(1)), str(a.get(2)));
            case "default" -> new Default();
            case "raw" -> new Raw(str(a.get(1)));
            default -> new Raw(String.valueOf(a));
        };
    }
}
