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
 * elements they do not know; an unknown command type reads as {@code Sql("UNKNOWN:type")}. DDL is {@link DdlCodec}'s,
 * the DDL form of older writers {@link LegacyDdl}'s.
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
            DdlCodec.write(g, d);
        } else if (c instanceof Copy cp) {
            g.writeStringField("type", "copy");
            writeTable(g, "table", cp.table());
            writeStrings(g, "columns", cp.columns());
            writeCopyOptions(g, cp.options());
            writeExprField(g, "where", cp.where());
        } else if (c instanceof Call cl) {
            g.writeStringField("type", "call");
            g.writeStringField("procedure", cl.procedure());
            writeExprList(g, "args", cl.args());
        } else if (c instanceof Setting s) {
            g.writeStringField("type", "setting");
            g.writeStringField("name", s.name());
            writeOptString(g, "value", s.value());
            if (s.local()) g.writeBooleanField("local", true);
        } else if (c instanceof SequenceSelect s) {
            g.writeStringField("type", "sequenceSelect");
            g.writeFieldName("calls");
            g.writeStartArray();
            for (SequenceCall call : s.calls()) {
                g.writeStartObject();
                g.writeStringField("function", call.function());
                writeTable(g, "sequence", call.sequence());
                writeExprList(g, "args", call.args());
                g.writeEndObject();
            }
            g.writeEndArray();
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

    static void writeTable(CBORGenerator g, String field, Table t) throws IOException {
        if (t == null) return;
        g.writeFieldName(field);
        writeTableValue(g, t);
    }

    static void writeTableValue(CBORGenerator g, Table t) throws IOException {
        g.writeStartArray();
        if (t.schema() == null) g.writeNull(); else g.writeString(t.schema());
        g.writeString(t.name());
        g.writeEndArray();
    }

    private static void writeCopyOptions(CBORGenerator g, CopyOptions o) throws IOException {
        g.writeStringField("format", o.format());
        if (o.header()) g.writeBooleanField("header", true);
        writeOptString(g, "delimiter", o.delimiter());
        writeOptString(g, "nullString", o.nullString());
        writeOptString(g, "quote", o.quote());
        writeOptString(g, "escape", o.escape());
        writeOptString(g, "encoding", o.encoding());
        writeStrings(g, "forceNotNull", o.forceNotNull());
        writeStrings(g, "forceNull", o.forceNull());
        if (!o.other().isEmpty()) {
            g.writeFieldName("otherOptions");
            g.writeStartObject();
            for (Map.Entry<String, String> e : new java.util.TreeMap<>(o.other()).entrySet()) g.writeStringField(e.getKey(), e.getValue());
            g.writeEndObject();
        }
    }

    static void writeExprField(CBORGenerator g, String field, Expr e) throws IOException {
        if (e == null) return;
        g.writeFieldName(field);
        writeExpr(g, e);
    }

    static void writeExprList(CBORGenerator g, String field, List<Expr> list) throws IOException {
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
            case "ddl" -> LegacyDdl.read(m);
            case "copy" -> new Copy(readTable(m.get("table")), strings(m.get("columns")), readCopyOptions(m), readExprOrNull(m.get("where")));
            case "setting" -> new Setting(str(m.get("name")), str(m.get("value")), bool(m.get("local")));
            case "sequenceSelect" -> {
                List<SequenceCall> calls = new ArrayList<>();
                for (Object o : list(m.get("calls"))) {
                    Map<String, Object> call = map(o);
                    calls.add(new SequenceCall(str(call.get("function")), readTable(call.get("sequence")), readExprs(call.get("args"))));
                }
                yield new SequenceSelect(calls);
            }
            case "call" -> new Call(str(m.get("procedure")), readExprs(m.get("args")));
            case "sql" -> new Sql(str(m.get("kind")));
            default -> {
                Ddl ddl = DdlCodec.read(type, m);
                yield ddl != null ? ddl : new Sql("UNKNOWN:" + type);
            }
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

    static Table readTable(Object o) {
        if (o == null) return null;
        List<Object> a = list(o);
        return new Table(str(a.get(0)), str(a.get(1)));
    }

    /**
     * An older writer kept COPY's options after the format as SQL text ({@code options}): they read as one unmodelled
     * option of that name, so that nothing is silently dropped.
     */
    private static CopyOptions readCopyOptions(Map<String, Object> m) {
        Map<String, String> other = new java.util.LinkedHashMap<>();
        map(m.get("otherOptions")).forEach((k, v) -> other.put(k, str(v)));
        if (m.get("options") != null) other.put("options", str(m.get("options")));
        String format = str(m.get("format"));
        return new CopyOptions(format == null ? "text" : format, bool(m.get("header")), str(m.get("delimiter")), str(m.get("nullString")),
                str(m.get("quote")), str(m.get("escape")), str(m.get("encoding")), strings(m.get("forceNotNull")),
                strings(m.get("forceNull")), other);
    }

    static List<Expr> readExprs(Object o) {
        if (o == null) return null;
        List<Expr> out = new ArrayList<>();
        for (Object e : list(o)) out.add(readExpr(e));
        return out;
    }

    static Expr readExprOrNull(Object o) {
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
