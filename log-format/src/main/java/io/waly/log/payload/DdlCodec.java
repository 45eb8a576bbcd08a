package io.waly.log.payload;

import static io.waly.log.payload.Cbor.*;
import static io.waly.log.payload.CommandCodec.*;

import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import io.waly.command.Command.Ddl;
import io.waly.command.Command.Ddl.*;
import io.waly.command.Command.Table;
import io.waly.command.Expr;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * DDL commands in CBOR (FORMAT.md §3.7): one {@code type} per record of {@link Ddl}, whose fields are the record's
 * components by name; columns, constraints, ALTER TABLE actions and sequence options are maps of their own.
 */
final class DdlCodec {
    private DdlCodec() {}

    static void write(CBORGenerator g, Ddl d) throws IOException {
        if (d instanceof CreateTable t) {
            g.writeStringField("type", "createTable");
            writeTable(g, "table", t.table());
            if (t.columns() != null) {
                g.writeFieldName("columns");
                g.writeStartArray();
                for (ColumnDef c : t.columns()) writeColumnDef(g, c);
                g.writeEndArray();
            }
            writeConstraints(g, t.constraints());
            flag(g, "ifNotExists", t.ifNotExists());
            writeOptString(g, "query", Cbor.text(t.query()));
            writeOptString(g, "partitionBy", t.partitionBy());
        } else if (d instanceof AlterTable a) {
            g.writeStringField("type", "alterTable");
            writeTable(g, "table", a.table());
            flag(g, "ifExists", a.ifExists());
            g.writeFieldName("actions");
            g.writeStartArray();
            for (AlterAction action : a.actions()) writeAction(g, action);
            g.writeEndArray();
        } else if (d instanceof Drop dr) {
            g.writeStringField("type", "drop");
            g.writeStringField("objectKind", dr.objectKind());
            writeTables(g, "names", dr.names());
            flag(g, "ifExists", dr.ifExists());
            flag(g, "cascade", dr.cascade());
        } else if (d instanceof CreateIndex i) {
            g.writeStringField("type", "createIndex");
            writeOptString(g, "name", i.name());
            writeTable(g, "table", i.table());
            writeExprList(g, "keys", i.keys());
            flag(g, "unique", i.unique());
            writeExprField(g, "where", i.where());
            flag(g, "ifNotExists", i.ifNotExists());
        } else if (d instanceof CreateSequence s) {
            g.writeStringField("type", "createSequence");
            writeTable(g, "name", s.name());
            writeSequenceOptions(g, s.options());
            flag(g, "ifNotExists", s.ifNotExists());
        } else if (d instanceof AlterSequence s) {
            g.writeStringField("type", "alterSequence");
            writeTable(g, "name", s.name());
            writeSequenceOptions(g, s.options());
            flag(g, "ifExists", s.ifExists());
        } else if (d instanceof CreateView v) {
            g.writeStringField("type", "createView");
            writeTable(g, "name", v.name());
            writeStrings(g, "columns", v.columns());
            writeOptString(g, "query", Cbor.text(v.query()));
            flag(g, "orReplace", v.orReplace());
            flag(g, "materialized", v.materialized());
        } else if (d instanceof CreateType t) {
            g.writeStringField("type", "createType");
            writeTable(g, "name", t.name());
            writeStrings(g, "enumLabels", t.enumLabels());
            writeOptString(g, "definition", Cbor.text(t.definition()));
        } else if (d instanceof CreateSchema s) {
            g.writeStringField("type", "createSchema");
            g.writeStringField("name", s.name());
            flag(g, "ifNotExists", s.ifNotExists());
            writeOptString(g, "authorization", s.authorization());
        } else if (d instanceof OtherDdl o) {
            g.writeStringField("type", "otherDdl");
            g.writeStringField("verb", o.verb());
            g.writeStringField("objectKind", o.objectKind());
            writeTables(g, "names", o.names());
        }
    }

    private static void flag(CBORGenerator g, String field, boolean value) throws IOException {
        if (value) g.writeBooleanField(field, true);
    }

    private static void writeTables(CBORGenerator g, String field, List<Table> tables) throws IOException {
        if (tables == null) return;
        g.writeFieldName(field);
        g.writeStartArray();
        for (Table t : tables) writeTableValue(g, t);
        g.writeEndArray();
    }

    private static void writeColumnDef(CBORGenerator g, ColumnDef c) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", c.name());
        writeOptString(g, "type", c.type());
        flag(g, "notNull", c.notNull());
        writeExprField(g, "defaultValue", c.defaultValue());
        writeOptString(g, "identity", c.identity());
        writeExprField(g, "generated", c.generated());
        g.writeEndObject();
    }

    private static void writeConstraints(CBORGenerator g, List<Constraint> constraints) throws IOException {
        if (constraints == null) return;
        g.writeFieldName("constraints");
        g.writeStartArray();
        for (Constraint c : constraints) writeConstraint(g, c);
        g.writeEndArray();
    }

    private static void writeConstraint(CBORGenerator g, Constraint c) throws IOException {
        g.writeStartObject();
        if (c instanceof PrimaryKey p) {
            g.writeStringField("kind", "primaryKey");
            writeStrings(g, "columns", p.columns());
        } else if (c instanceof Unique u) {
            g.writeStringField("kind", "unique");
            writeStrings(g, "columns", u.columns());
        } else if (c instanceof Check ck) {
            g.writeStringField("kind", "check");
            writeExprField(g, "condition", ck.condition());
        } else if (c instanceof ForeignKey f) {
            g.writeStringField("kind", "foreignKey");
            writeStrings(g, "columns", f.columns());
            writeTable(g, "references", f.references());
            writeStrings(g, "referencedColumns", f.referencedColumns());
            writeOptString(g, "onDelete", f.onDelete());
            writeOptString(g, "onUpdate", f.onUpdate());
        } else if (c instanceof OtherConstraint o) {
            g.writeStringField("kind", "other");
            writeOptString(g, "sql", Cbor.text(o.sql()));
        }
        writeOptString(g, "name", c.name());
        g.writeEndObject();
    }

    private static void writeAction(CBORGenerator g, AlterAction a) throws IOException {
        g.writeStartObject();
        if (a instanceof AddColumn ac) {
            g.writeStringField("action", "addColumn");
            g.writeFieldName("definition");
            writeColumnDef(g, ac.definition());
            writeConstraints(g, ac.constraints());
            flag(g, "ifNotExists", ac.ifNotExists());
        } else if (a instanceof DropColumn dc) {
            g.writeStringField("action", "dropColumn");
            g.writeStringField("column", dc.column());
            flag(g, "ifExists", dc.ifExists());
            flag(g, "cascade", dc.cascade());
        } else if (a instanceof RenameColumn rc) {
            g.writeStringField("action", "renameColumn");
            g.writeStringField("column", rc.column());
            g.writeStringField("newName", rc.newName());
        } else if (a instanceof RenameTable rt) {
            g.writeStringField("action", "renameTable");
            g.writeStringField("newName", rt.newName());
        } else if (a instanceof SetDefault sd) {
            g.writeStringField("action", "setDefault");
            g.writeStringField("column", sd.column());
            writeExprField(g, "value", sd.value());
        } else if (a instanceof DropDefault dd) {
            g.writeStringField("action", "dropDefault");
            g.writeStringField("column", dd.column());
        } else if (a instanceof SetNotNull sn) {
            g.writeStringField("action", "setNotNull");
            g.writeStringField("column", sn.column());
        } else if (a instanceof DropNotNull dn) {
            g.writeStringField("action", "dropNotNull");
            g.writeStringField("column", dn.column());
        } else if (a instanceof AlterColumnType at) {
            g.writeStringField("action", "alterColumnType");
            g.writeStringField("column", at.column());
            writeOptString(g, "type", at.type());
            writeExprField(g, "using", at.using());
        } else if (a instanceof AddConstraint ac) {
            g.writeStringField("action", "addConstraint");
            g.writeFieldName("constraint");
            writeConstraint(g, ac.constraint());
        } else if (a instanceof DropConstraint dc) {
            g.writeStringField("action", "dropConstraint");
            g.writeStringField("name", dc.name());
            flag(g, "ifExists", dc.ifExists());
            flag(g, "cascade", dc.cascade());
        } else if (a instanceof OtherAction o) {
            g.writeStringField("action", "other");
            writeOptString(g, "kind", o.kind());
            writeOptString(g, "sql", Cbor.text(o.sql()));
        }
        g.writeEndObject();
    }

    private static void writeSequenceOptions(CBORGenerator g, SequenceOptions o) throws IOException {
        g.writeFieldName("options");
        g.writeStartObject();
        writeOptString(g, "dataType", o.dataType());
        writeOptLong(g, "increment", o.increment());
        writeOptLong(g, "minValue", o.minValue());
        writeOptLong(g, "maxValue", o.maxValue());
        writeOptLong(g, "start", o.start());
        writeOptLong(g, "cache", o.cache());
        if (o.cycle() != null) g.writeBooleanField("cycle", o.cycle());
        writeOptString(g, "ownedBy", o.ownedBy());
        flag(g, "restart", o.restart());
        writeOptLong(g, "restartWith", o.restartWith());
        g.writeEndObject();
    }

    private static void writeOptLong(CBORGenerator g, String field, Long value) throws IOException {
        if (value != null) g.writeNumberField(field, value.longValue());
    }

    // ---------------------------------------------------------------- read

    /** The DDL command of this {@code type}, or null when the type is not one of DDL's. */
    static Ddl read(String type, Map<String, Object> m) {
        return switch (type) {
            case "createTable" -> new CreateTable(readTable(m.get("table")), m.containsKey("columns") ? readColumnDefs(m.get("columns")) : null,
                    readConstraints(m.get("constraints")), bool(m.get("ifNotExists")), str(m.get("query")), str(m.get("partitionBy")));
            case "alterTable" -> {
                List<AlterAction> actions = new ArrayList<>();
                for (Object o : list(m.get("actions"))) actions.add(readAction(map(o)));
                yield new AlterTable(readTable(m.get("table")), bool(m.get("ifExists")), actions);
            }
            case "drop" -> new Drop(str(m.get("objectKind")), readTables(m.get("names")), bool(m.get("ifExists")), bool(m.get("cascade")));
            case "createIndex" -> new CreateIndex(str(m.get("name")), readTable(m.get("table")), readExprs(m.get("keys")),
                    bool(m.get("unique")), readExprOrNull(m.get("where")), bool(m.get("ifNotExists")));
            case "createSequence" -> new CreateSequence(readTable(m.get("name")), readSequenceOptions(map(m.get("options"))),
                    bool(m.get("ifNotExists")));
            case "alterSequence" -> new AlterSequence(readTable(m.get("name")), readSequenceOptions(map(m.get("options"))),
                    bool(m.get("ifExists")));
            case "createView" -> new CreateView(readTable(m.get("name")), strings(m.get("columns")), str(m.get("query")),
                    bool(m.get("orReplace")), bool(m.get("materialized")));
            case "createType" -> new CreateType(readTable(m.get("name")), strings(m.get("enumLabels")), str(m.get("definition")));
            case "createSchema" -> new CreateSchema(str(m.get("name")), bool(m.get("ifNotExists")), str(m.get("authorization")));
            case "otherDdl" -> new OtherDdl(str(m.get("verb")), str(m.get("objectKind")), readTables(m.get("names")));
            default -> null;
        };
    }

    static List<Table> readTables(Object o) {
        if (o == null) return null;
        List<Table> out = new ArrayList<>();
        for (Object t : list(o)) out.add(readTable(t));
        return out;
    }

    static List<ColumnDef> readColumnDefs(Object o) {
        List<ColumnDef> out = new ArrayList<>();
        for (Object c : list(o)) out.add(readColumnDef(c));
        return out;
    }

    /** Older writers kept the default as SQL text ({@code default}): it reads as that text, {@link Expr.Raw}. */
    static ColumnDef readColumnDef(Object o) {
        Map<String, Object> c = map(o);
        Expr dflt = c.containsKey("defaultValue") ? readExprOrNull(c.get("defaultValue"))
                : c.get("default") != null ? new Expr.Raw(str(c.get("default"))) : null;
        return new ColumnDef(str(c.get("name")), str(c.get("type")), bool(c.get("notNull")), dflt, str(c.get("identity")),
                readExprOrNull(c.get("generated")));
    }

    private static List<Constraint> readConstraints(Object o) {
        if (o == null) return null;
        List<Constraint> out = new ArrayList<>();
        for (Object c : list(o)) out.add(readConstraint(map(c)));
        return out;
    }

    /** An unknown constraint kind (a newer writer) reads as an other constraint without text. */
    private static Constraint readConstraint(Map<String, Object> c) {
        String name = str(c.get("name"));
        String kind = str(c.get("kind"));
        return switch (kind == null ? "" : kind) {
            case "primaryKey" -> new PrimaryKey(name, strings(c.get("columns")));
            case "unique" -> new Unique(name, strings(c.get("columns")));
            case "check" -> new Check(name, readExprOrNull(c.get("condition")));
            case "foreignKey" -> new ForeignKey(name, strings(c.get("columns")), readTable(c.get("references")),
                    strings(c.get("referencedColumns")), str(c.get("onDelete")), str(c.get("onUpdate")));
            default -> new OtherConstraint(name, str(c.get("sql")));
        };
    }

    /** An unknown action (a newer writer) reads as an other action whose kind is the action's name. */
    private static AlterAction readAction(Map<String, Object> a) {
        String action = str(a.get("action"));
        String column = str(a.get("column"));
        return switch (action == null ? "" : action) {
            case "addColumn" -> new AddColumn(readColumnDef(a.get("definition")), readConstraints(a.get("constraints")), bool(a.get("ifNotExists")));
            case "dropColumn" -> new DropColumn(column, bool(a.get("ifExists")), bool(a.get("cascade")));
            case "renameColumn" -> new RenameColumn(column, str(a.get("newName")));
            case "renameTable" -> new RenameTable(str(a.get("newName")));
            case "setDefault" -> new SetDefault(column, readExprOrNull(a.get("value")));
            case "dropDefault" -> new DropDefault(column);
            case "setNotNull" -> new SetNotNull(column);
            case "dropNotNull" -> new DropNotNull(column);
            case "alterColumnType" -> new AlterColumnType(column, str(a.get("type")), readExprOrNull(a.get("using")));
            case "addConstraint" -> new AddConstraint(readConstraint(map(a.get("constraint"))));
            case "dropConstraint" -> new DropConstraint(str(a.get("name")), bool(a.get("ifExists")), bool(a.get("cascade")));
            case "other" -> new OtherAction(str(a.get("kind")), str(a.get("sql")));
            default -> new OtherAction(action, str(a.get("sql")));
        };
    }

    private static SequenceOptions readSequenceOptions(Map<String, Object> o) {
        return new SequenceOptions(str(o.get("dataType")), optLong(o.get("increment")), optLong(o.get("minValue")),
                optLong(o.get("maxValue")), optLong(o.get("start")), optLong(o.get("cache")),
                o.containsKey("cycle") ? bool(o.get("cycle")) : null, str(o.get("ownedBy")), bool(o.get("restart")),
                optLong(o.get("restartWith")));
    }

    private static Long optLong(Object o) {
        return o instanceof Number n ? n.longValue() : null;
    }
}
