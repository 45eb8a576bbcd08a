package io.waly.mongo.translate;

import io.waly.command.Command;
import io.waly.command.Command.Ddl;
import io.waly.command.Command.Ddl.*;
import io.waly.command.Expr;
import io.waly.command.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonString;

/**
 * DDL to collections and indexes, and to the catalog, from the typed DDL of the log. CREATE TABLE creates the
 * collection with a unique index on the primary key columns and one per unique constraint (partial on non-NULL values,
 * as PostgreSQL lets NULLs repeat); DROP TABLE drops it; ALTER TABLE ADD/DROP/RENAME COLUMN is $set of the default /
 * $unset / $rename on every document; RENAME TO renames the collection; SET/DROP DEFAULT change the catalog;
 * CREATE/DROP INDEX create and drop indexes. Objects without data (sequences, schemas, types, extensions, …) change
 * nothing; objects whose meaning MongoDB lacks (views, triggers, functions, rules, policies) are untranslatable.
 */
final class DdlTranslator {

    /** Objects that hold no rows: their DDL changes nothing in MongoDB. */
    private static final Set<String> NO_DATA = Set.of("SEQUENCE", "SCHEMA", "TYPE", "DOMAIN", "EXTENSION", "COLLATION",
            "STATISTICS", "ROLE", "USER", "DATABASE", "TABLESPACE");

    /** ALTER TABLE actions, by kind, that change no stored value or key (the catalog's types and defaults included). */
    private static final Set<String> HARMLESS = Set.of("OWNER TO", "VALIDATE CONSTRAINT", "CLUSTER ON", "SET", "RESET",
            "ALTER COLUMN SET", "ALTER COLUMN RESET", "ALTER COLUMN SET STATISTICS", "ALTER COLUMN SET STORAGE");

    private final Catalog catalog;

    DdlTranslator(Catalog catalog) {
        this.catalog = catalog;
    }

    List<MongoOp> translate(Ddl d, Evaluator ev, long marker) {
        if (d instanceof CreateTable t) return createTable(t);
        if (d instanceof AlterTable a) return alter(a, ev, marker);
        if (d instanceof Drop drop) return drop(drop);
        if (d instanceof CreateIndex i) return createIndex(i);
        if (d instanceof OtherDdl o && o.kind().equals("CREATE INDEX")) return List.of();   // not read: indexes change no data
        if (d instanceof OtherDdl o && o.objectKind().equals("TABLE")) {
            throw new UntranslatableException(o.kind() + " (LIKE, OF, PARTITION OF, INHERITS, …): the table's columns are not in the log");
        }
        if (NO_DATA.contains(object(d))) return List.of();
        throw new UntranslatableException(d.kind() + " has no MongoDB meaning");
    }

    /** The object kind of a DDL command: its kind without the verb. */
    private static String object(Ddl d) {
        String kind = d.kind();
        return kind.substring(kind.indexOf(' ') + 1);
    }

    private List<MongoOp> createTable(CreateTable t) {
        if (t.columns() == null) {
            throw new UntranslatableException("CREATE TABLE … AS without volatile values: its rows are not in the log (they are "
                    + "computed from other tables on PostgreSQL)");
        }
        String coll = Names.collection(t.table());
        if (t.ifNotExists() && catalog.table(coll) != null) return List.of();
        Catalog.Table table = Catalog.fromDefinition(coll, t);
        catalog.put(table);
        List<MongoOp> ops = new ArrayList<>();
        ops.add(new MongoOp.CreateCollection(coll));
        if (table.hasPrimaryKey()) ops.add(index(table, coll + "_pkey", table.primaryKey(), true));
        for (List<String> u : table.unique()) ops.add(index(table, coll + "_" + String.join("_", u) + "_key", u, true));
        return ops;
    }

    private List<MongoOp> drop(Drop d) {
        List<MongoOp> ops = new ArrayList<>();
        switch (d.objectKind()) {
            case "TABLE" -> {
                for (Command.Table t : d.names()) {
                    String coll = Names.collection(t);
                    catalog.remove(coll);
                    ops.add(new MongoOp.DropCollection(coll));
                }
            }
            case "INDEX" -> {
                for (Command.Table t : d.names()) {
                    ops.add(new MongoOp.DropIndex(catalog.indexCollection(t.name()), t.name()));
                    catalog.dropIndex(t.name());
                }
            }
            case "SCHEMA" -> {
                for (Command.Table t : d.names()) {
                    String prefix = t.name() + ".";
                    for (String coll : catalog.tables().keySet()) {
                        if (d.cascade() && coll.startsWith(prefix)) throw new UntranslatableException("DROP SCHEMA … CASCADE drops tables");
                    }
                }
            }
            default -> {
                if (!NO_DATA.contains(d.objectKind())) throw new UntranslatableException(d.kind() + " has no MongoDB meaning");
            }
        }
        return ops;
    }

    private MongoOp.CreateIndex index(Catalog.Table t, String name, List<String> fields, boolean unique) {
        catalog.index(name, t.collection());
        BsonDocument partial = null;
        if (unique) {
            partial = new BsonDocument();
            for (String f : fields) {
                Catalog.Column c = t.column(f);
                boolean notNull = c != null && (c.notNull() || t.primaryKey().contains(f));
                if (notNull) continue;
                String bsonType = c == null ? null : bsonType(c.type());
                if (bsonType == null) {
                    unique = false;   // no type to filter on: an index that does not enforce, rather than one that rejects NULLs
                    partial = null;
                    break;
                }
                partial.put(f, new BsonDocument("$type", new BsonString(bsonType)));
            }
            if (partial != null && partial.isEmpty()) partial = null;
        }
        return new MongoOp.CreateIndex(t.collection(), name, List.copyOf(fields), unique, partial);
    }

    static String bsonType(ColumnType t) {
        if (t.array()) return "array";
        return switch (t.base()) {
            case "int2", "int4" -> "int";
            case "int8" -> "long";
            case "numeric" -> "decimal";
            case "float4", "float8" -> "double";
            case "text", "bpchar", "time", "timetz", "interval" -> "string";
            case "bool" -> "bool";
            case "date", "timestamp", "timestamptz" -> "date";
            case "uuid", "bytea" -> "binData";
            default -> null;
        };
    }

    private List<MongoOp> createIndex(CreateIndex i) {
        String coll = Names.collection(i.table());
        String name = i.name() == null ? coll + "_idx" : i.name();
        List<String> fields = new ArrayList<>();
        for (Expr key : i.keys()) {
            if (!(key instanceof Expr.Column c)) return List.of();   // an expression index has no MongoDB equivalent; indexes change no data
            fields.add(c.name());
        }
        if (fields.isEmpty() || i.ifNotExists() && catalog.indexCollection(name) != null) return List.of();
        // a partial unique index in PostgreSQL would be stricter without its WHERE: keep it as a plain index
        boolean unique = i.unique() && i.where() == null;
        Catalog.Table t = catalog.table(coll);
        if (t == null) {
            catalog.index(name, coll);
            return List.of(new MongoOp.CreateIndex(coll, name, fields, false, null));
        }
        return List.of(index(t, name, fields, unique));
    }

    private List<MongoOp> alter(AlterTable a, Evaluator ev, long marker) {
        String coll = Names.collection(a.table());
        List<MongoOp> ops = new ArrayList<>();
        for (AlterAction action : a.actions()) {
            Catalog.Table t = catalog.table(coll);
            if (action instanceof AddColumn add) {
                ops.addAll(addColumn(t, coll, add, ev, marker));
            } else if (action instanceof DropColumn drop) {
                String col = drop.column();
                if (t != null) {
                    if (t.primaryKey().contains(col)) throw new UntranslatableException("dropping primary key column " + col + " changes the documents' _id");
                    List<Catalog.Column> cols = new ArrayList<>(t.columns());
                    cols.removeIf(c -> c.name().equals(col));
                    List<List<String>> unique = new ArrayList<>(t.unique());
                    unique.removeIf(u -> u.contains(col));
                    catalog.put(new Catalog.Table(coll, List.copyOf(cols), t.primaryKey(), List.copyOf(unique)));
                }
                ops.add(new MongoOp.UpdateMany(coll, new BsonDocument(), new BsonDocument("$unset", new BsonDocument(col, new BsonString(""))), marker));
            } else if (action instanceof RenameColumn rename) {
                String col = rename.column();
                String to = rename.newName();
                if (t != null) {
                    if (t.primaryKey().size() > 1 && t.primaryKey().contains(col)) {
                        throw new UntranslatableException("renaming column " + col + " of a composite primary key changes the documents' _id");
                    }
                    List<Catalog.Column> cols = new ArrayList<>();
                    for (Catalog.Column c : t.columns()) {
                        cols.add(c.name().equals(col) ? new Catalog.Column(to, c.type(), c.notNull(), c.defaultValue(), c.generated()) : c);
                    }
                    List<String> pk = t.primaryKey().stream().map(p -> p.equals(col) ? to : p).toList();
                    List<List<String>> unique = t.unique().stream().map(u -> u.stream().map(p -> p.equals(col) ? to : p).toList()).toList();
                    catalog.put(new Catalog.Table(coll, List.copyOf(cols), pk, unique));
                }
                ops.add(new MongoOp.UpdateMany(coll, new BsonDocument(), new BsonDocument("$rename", new BsonDocument(col, new BsonString(to))), marker));
            } else if (action instanceof RenameTable rename) {
                String to = Names.collection(new Command.Table(coll.contains(".") ? coll.substring(0, coll.indexOf('.')) : null, rename.newName()));
                catalog.renameCollection(coll, to);
                ops.add(new MongoOp.RenameCollection(coll, to));
                coll = to;
            } else if (action instanceof SetDefault set) {
                setDefault(t, coll, set.column(), set.value());
            } else if (action instanceof DropDefault drop) {
                setDefault(t, coll, drop.column(), null);
            } else if (!harmless(action)) {
                throw new UntranslatableException("ALTER TABLE action that may change stored values or keys (" + describe(action) + ")");
            }
        }
        return ops;
    }

    private List<MongoOp> addColumn(Catalog.Table t, String coll, AddColumn add, Evaluator ev, long marker) {
        Catalog.Column column = Catalog.Column.of(add.definition());
        String col = column.name();
        Value v = ev.defaultValue(column);
        if (t != null) {
            if (t.column(col) != null) return List.of();   // ADD COLUMN IF NOT EXISTS
            if (add.constraints().stream().anyMatch(c -> c instanceof PrimaryKey)) {
                throw new UntranslatableException("ADD COLUMN … PRIMARY KEY changes the documents' _id");
            }
            List<Catalog.Column> cols = new ArrayList<>(t.columns());
            cols.add(column);
            catalog.put(new Catalog.Table(coll, List.copyOf(cols), t.primaryKey(), t.unique()));
        }
        return List.of(new MongoOp.UpdateMany(coll, new BsonDocument(col, new BsonDocument("$exists", org.bson.BsonBoolean.FALSE)),
                new BsonDocument("$set", new BsonDocument(col, Types.toBson(v, column.type(), ev.zone()))), marker));
    }

    /** Actions that change no stored value or key: NOT NULL, CHECK and FOREIGN KEY constraints, owners, storage, triggers. */
    private static boolean harmless(AlterAction a) {
        if (a instanceof SetNotNull || a instanceof DropNotNull || a instanceof DropConstraint) return true;
        if (a instanceof AddConstraint c) return c.constraint() instanceof Check || c.constraint() instanceof ForeignKey;
        if (a instanceof OtherAction o) {
            String kind = o.kind() == null ? "" : o.kind();
            return HARMLESS.contains(kind) || kind.startsWith("ENABLE") || kind.startsWith("DISABLE");
        }
        return false;
    }

    private static String describe(AlterAction a) {
        if (a instanceof OtherAction o) return o.sql() != null ? o.sql() : o.kind();
        if (a instanceof AlterColumnType t) return "ALTER COLUMN " + t.column() + " TYPE " + t.type();
        if (a instanceof AddConstraint c && c.constraint() instanceof PrimaryKey p) return "ADD PRIMARY KEY (" + String.join(", ", p.columns()) + ")";
        if (a instanceof AddConstraint c && c.constraint() instanceof Unique u) return "ADD UNIQUE (" + String.join(", ", u.columns()) + ")";
        if (a instanceof AddConstraint c) return "ADD CONSTRAINT " + c.constraint().name();
        return a.toString();
    }

    private void setDefault(Catalog.Table t, String coll, String col, Expr value) {
        if (t == null || t.column(col) == null) return;
        List<Catalog.Column> cols = new ArrayList<>();
        for (Catalog.Column c : t.columns()) cols.add(c.name().equals(col) ? c.withDefault(value) : c);
        catalog.put(new Catalog.Table(coll, List.copyOf(cols), t.primaryKey(), t.unique()));
    }
}
