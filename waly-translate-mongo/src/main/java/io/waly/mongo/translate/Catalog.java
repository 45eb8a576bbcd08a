package io.waly.mongo.translate;

import io.waly.command.Command.Ddl;
import io.waly.command.Expr;
import io.waly.log.payload.Cbor;
import io.waly.log.payload.CommandCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * The tables the replay knows: columns with their types and defaults, primary key, unique constraints, and the
 * indexes created on them, learnt from the DDL in the log. It is saved with the cursor (so a resumed replay knows
 * the tables created before its restart point) and changes only through DDL commands. A table created before the
 * replayed range is unknown: its values are converted by their own kinds, and it has no primary key.
 */
public final class Catalog {

    /**
     * A column: {@code defaultValue} its DEFAULT expression, {@code generated} when the database makes its value
     * (identity, GENERATED … STORED).
     */
    public record Column(String name, ColumnType type, boolean notNull, Expr defaultValue, boolean generated) {

        public static Column of(Ddl.ColumnDef c) {
            return new Column(c.name(), ColumnType.parse(c.type()), c.notNull(), c.defaultValue(), c.identity() != null || c.generated() != null);
        }

        public Column withDefault(Expr value) {
            return new Column(name, type, notNull, value, generated);
        }
    }

    public record Table(String collection, List<Column> columns, List<String> primaryKey, List<List<String>> unique) {

        public Column column(String name) {
            for (Column c : columns) if (c.name.equals(name)) return c;
            return null;
        }

        public ColumnType type(String name) {
            Column c = column(name);
            return c == null ? null : c.type;
        }

        public boolean hasPrimaryKey() {
            return !primaryKey.isEmpty();
        }

        public List<String> columnNames() {
            List<String> out = new ArrayList<>();
            for (Column c : columns) out.add(c.name);
            return out;
        }
    }

    private final Map<String, Table> tables = new LinkedHashMap<>();
    private final Map<String, String> indexes = new LinkedHashMap<>();   // index name -> collection

    public Table table(String collection) {
        return tables.get(collection);
    }

    public Map<String, Table> tables() {
        return tables;
    }

    public void put(Table t) {
        tables.put(t.collection(), t);
    }

    public Table remove(String collection) {
        indexes.values().removeIf(collection::equals);
        return tables.remove(collection);
    }

    public void index(String name, String collection) {
        indexes.put(name, collection);
    }

    public String indexCollection(String name) {
        return indexes.get(name);
    }

    public void dropIndex(String name) {
        indexes.remove(name);
    }

    public void renameCollection(String from, String to) {
        Table t = tables.remove(from);
        if (t != null) tables.put(to, new Table(to, t.columns(), t.primaryKey(), t.unique()));
        indexes.replaceAll((k, v) -> v.equals(from) ? to : v);
    }

    /** The table as a CREATE TABLE defines it. */
    public static Table fromDefinition(String collection, Ddl.CreateTable def) {
        List<Column> cols = new ArrayList<>();
        for (Ddl.ColumnDef c : def.columns()) cols.add(Column.of(c));
        List<String> pk = List.of();
        List<List<String>> unique = new ArrayList<>();
        for (Ddl.Constraint c : def.constraints() == null ? List.<Ddl.Constraint>of() : def.constraints()) {
            if (c instanceof Ddl.PrimaryKey p) pk = List.copyOf(p.columns());
            else if (c instanceof Ddl.Unique u) unique.add(List.copyOf(u.columns()));
        }
        return new Table(collection, List.copyOf(cols), pk, List.copyOf(unique));
    }

    /** Makes this catalog equal to {@code other} (undoing the DDL of a transaction that was not applied). */
    public void restore(Catalog other) {
        tables.clear();
        tables.putAll(other.tables);
        indexes.clear();
        indexes.putAll(other.indexes);
    }

    public Catalog copy() {
        Catalog c = new Catalog();
        c.tables.putAll(tables);
        c.indexes.putAll(indexes);
        return c;
    }

    // ---------------------------------------------------------------- persistence with the cursor

    public BsonDocument toBson() {
        BsonArray ts = new BsonArray();
        for (Table t : tables.values()) {
            BsonArray cols = new BsonArray();
            for (Column c : t.columns) {
                BsonDocument col = new BsonDocument("name", new BsonString(c.name)).append("type", new BsonString(c.type.sql()))
                        .append("notNull", BsonBoolean.valueOf(c.notNull));
                if (c.defaultValue != null) col.append("defaultExpr", new BsonBinary(Cbor.encode(g -> CommandCodec.writeExpr(g, c.defaultValue))));
                if (c.generated) col.append("generated", BsonBoolean.TRUE);
                cols.add(col);
            }
            BsonArray unique = new BsonArray();
            for (List<String> u : t.unique) unique.add(strings(u));
            ts.add(new BsonDocument("collection", new BsonString(t.collection)).append("columns", cols)
                    .append("primaryKey", strings(t.primaryKey)).append("unique", unique));
        }
        BsonDocument idx = new BsonDocument();
        indexes.forEach((k, v) -> idx.append(k, new BsonString(v)));
        return new BsonDocument("tables", ts).append("indexes", idx);
    }

    public static Catalog fromBson(BsonDocument d) {
        Catalog c = new Catalog();
        if (d == null) return c;
        for (BsonValue tv : d.getArray("tables", new BsonArray())) {
            BsonDocument t = tv.asDocument();
            List<Column> cols = new ArrayList<>();
            for (BsonValue cv : t.getArray("columns")) {
                BsonDocument col = cv.asDocument();
                cols.add(new Column(col.getString("name").getValue(), ColumnType.parse(col.getString("type").getValue()),
                        col.getBoolean("notNull").getValue(), defaultOf(col), col.getBoolean("generated", BsonBoolean.FALSE).getValue()));
            }
            List<List<String>> unique = new ArrayList<>();
            for (BsonValue u : t.getArray("unique")) unique.add(strings(u.asArray()));
            c.put(new Table(t.getString("collection").getValue(), List.copyOf(cols), strings(t.getArray("primaryKey")),
                    List.copyOf(unique)));
        }
        d.getDocument("indexes", new BsonDocument()).forEach((k, v) -> c.indexes.put(k, v.asString().getValue()));
        return c;
    }

    /**
     * A column's default as saved: the expression in the log's own encoding ({@code defaultExpr}); a cursor saved before
     * defaults were typed holds SQL text ({@code default}), which reads as that text, {@link Expr.Raw}.
     */
    private static Expr defaultOf(BsonDocument col) {
        BsonValue expr = col.get("defaultExpr");
        if (expr != null) return CommandCodec.readExpr(Cbor.decode(expr.asBinary().getData()));
        BsonValue text = col.get("default");
        return text == null || text.isNull() ? null : new Expr.Raw(text.asString().getValue());
    }

    private static BsonArray strings(List<String> l) {
        BsonArray a = new BsonArray();
        for (String s : l) a.add(new BsonString(s));
        return a;
    }

    private static List<String> strings(BsonArray a) {
        List<String> out = new ArrayList<>();
        for (BsonValue v : a) out.add(v.asString().getValue());
        return List.copyOf(out);
    }
}
