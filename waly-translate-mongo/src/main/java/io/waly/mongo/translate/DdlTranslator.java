package io.waly.mongo.translate;

import io.waly.command.Command;
import io.waly.command.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bson.BsonDocument;
import org.bson.BsonString;

/**
 * DDL to collections and indexes, and to the catalog. CREATE TABLE creates the collection with a unique index on the
 * primary key columns and one per unique constraint (partial on non-NULL values, as PostgreSQL lets NULLs repeat);
 * DROP TABLE drops it; ALTER TABLE ADD/DROP/RENAME COLUMN is $set of the default / $unset / $rename on every document;
 * RENAME TO renames the collection; CREATE/DROP INDEX create and drop indexes. Objects without data (sequences,
 * schemas, types, extensions, comments) change nothing; objects whose meaning MongoDB lacks (views, triggers,
 * functions, rules, policies, grants) are untranslatable.
 */
final class DdlTranslator {

    private static final Pattern CREATE_INDEX = Pattern.compile(
            "(?is)^\\s*CREATE\\s+(UNIQUE\\s+)?INDEX\\s+(?:CONCURRENTLY\\s+)?(?:IF\\s+NOT\\s+EXISTS\\s+)?(\\S+?)?\\s*ON\\s+(?:ONLY\\s+)?([^\\s(]+).*");
    private static final Pattern HARMLESS_ALTER = Pattern.compile(
            "(?is).*\\b(ADD\\s+(CONSTRAINT\\s+\\S+\\s+)?(CHECK|FOREIGN\\s+KEY)|VALIDATE\\s+CONSTRAINT|(SET|DROP)\\s+NOT\\s+NULL"
                    + "|DROP\\s+CONSTRAINT|OWNER\\s+TO|SET\\s+STATISTICS|SET\\s+STORAGE|ENABLE|DISABLE|CLUSTER\\s+ON|SET\\s+\\(|RESET\\s+\\().*");
    private static final Pattern SET_DEFAULT = Pattern.compile(
            "(?is).*ALTER\\s+(?:COLUMN\\s+)?(\\S+)\\s+SET\\s+DEFAULT\\s+(.+?)\\s*;?\\s*$");
    private static final Pattern DROP_DEFAULT = Pattern.compile("(?is).*ALTER\\s+(?:COLUMN\\s+)?(\\S+)\\s+DROP\\s+DEFAULT.*");

    private final Catalog catalog;

    DdlTranslator(Catalog catalog) {
        this.catalog = catalog;
    }

    List<MongoOp> translate(Command.Ddl d, String sql, Evaluator ev, long marker) {
        String kind = d.kind() == null ? "" : d.kind().toUpperCase(Locale.ROOT).trim().replaceAll("\\s+", " ");
        List<MongoOp> ops = new ArrayList<>();
        if (kind.equals("CREATE TABLE")) {
            if (d.table() == null || d.objects().isEmpty()) {
                throw new UntranslatableException("CREATE TABLE … AS / LIKE / OF: the rows and columns are not in the log");
            }
            String coll = Names.collection(d.objects().get(0));
            if (d.ifExists() && catalog.table(coll) != null) return ops;
            Catalog.Table t = Catalog.fromDefinition(coll, withSqlDefaults(d.table(), SqlDefaults.ofCreateTable(sql)));
            catalog.put(t);
            ops.add(new MongoOp.CreateCollection(coll));
            if (t.hasPrimaryKey()) ops.add(index(t, coll + "_pkey", t.primaryKey(), true));
            for (List<String> u : t.unique()) ops.add(index(t, coll + "_" + String.join("_", u) + "_key", u, true));
            return ops;
        }
        if (kind.equals("DROP TABLE")) {
            for (String o : d.objects()) {
                String coll = Names.collection(o);
                catalog.remove(coll);
                ops.add(new MongoOp.DropCollection(coll));
            }
            return ops;
        }
        if (kind.equals("ALTER TABLE")) return alter(d, sql, ev, marker);
        if (kind.equals("CREATE INDEX") || kind.equals("CREATE UNIQUE INDEX")) return createIndex(d, sql);
        if (kind.equals("DROP INDEX")) {
            for (String o : d.objects()) {
                String name = Names.collection(o);
                int dot = name.lastIndexOf('.');
                String bare = dot < 0 ? name : name.substring(dot + 1);
                ops.add(new MongoOp.DropIndex(catalog.indexCollection(bare), bare));
                catalog.dropIndex(bare);
            }
            return ops;
        }
        String object = kind.replaceFirst("^(CREATE OR REPLACE|CREATE|ALTER|DROP|COMMENT ON)\\s+", "");
        switch (object) {
            case "SEQUENCE", "SCHEMA", "TYPE", "DOMAIN", "EXTENSION", "COLLATION", "STATISTICS", "COMMENT", "ROLE", "USER",
                    "DATABASE", "TABLESPACE" -> {
                if (kind.equals("DROP SCHEMA") && sql.toUpperCase(Locale.ROOT).contains("CASCADE")) {
                    for (String o : d.objects()) {
                        String prefix = Names.ident(o) + ".";
                        for (String coll : catalog.tables().keySet()) {
                            if (coll.startsWith(prefix)) throw new UntranslatableException("DROP SCHEMA … CASCADE drops tables");
                        }
                    }
                }
                return ops;   // no rows: nothing to do in MongoDB
            }
            default -> throw new UntranslatableException(kind + " has no MongoDB meaning");
        }
    }

    private static Command.TableDef withSqlDefaults(Command.TableDef def, Map<String, String> defaults) {
        List<Command.ColumnDef> cols = new ArrayList<>();
        for (Command.ColumnDef c : def.columns()) cols.add(withSqlDefault(c, defaults));
        return new Command.TableDef(cols, def.primaryKey() == null ? List.of() : def.primaryKey(), def.unique() == null ? List.of() : def.unique());
    }

    private static Command.ColumnDef withSqlDefault(Command.ColumnDef c, Map<String, String> defaults) {
        String d = defaults.get(c.name());
        return d == null ? c : new Command.ColumnDef(c.name(), c.type(), c.notNull(), d);
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

    private List<MongoOp> createIndex(Command.Ddl d, String sql) {
        Matcher m = CREATE_INDEX.matcher(sql);
        if (!m.matches()) throw new UntranslatableException("CREATE INDEX whose name and table cannot be read");
        String coll = Names.collection(m.group(3));
        String name = m.group(2) == null ? coll + "_idx" : Names.ident(m.group(2));
        Catalog.Table t = catalog.table(coll);
        boolean unique = d.unique() || m.group(1) != null;
        List<String> fields = new ArrayList<>();
        for (String c : d.columns()) {
            String f = Names.ident(c.replaceAll("(?i)\\s+(ASC|DESC)(\\s+NULLS\\s+(FIRST|LAST))?$", ""));
            if (!f.matches("[\\p{L}_][\\p{L}\\p{N}_$]*")) {
                return List.of();   // an expression index has no MongoDB equivalent; indexes change no data
            }
            fields.add(f);
        }
        if (fields.isEmpty()) return List.of();
        if (d.ifExists() && catalog.indexCollection(name) != null) return List.of();
        // a partial unique index in PostgreSQL would be stricter without its WHERE: keep it as a plain index
        if (sql.toUpperCase(Locale.ROOT).matches("(?s).*\\)\\s*WHERE\\s.*")) unique = false;
        if (t == null) {
            catalog.index(name, coll);
            return List.of(new MongoOp.CreateIndex(coll, name, fields, false, null));
        }
        return List.of(index(t, name, fields, unique));
    }

    private List<MongoOp> alter(Command.Ddl d, String sql, Evaluator ev, long marker) {
        if (d.objects().isEmpty()) throw new UntranslatableException("ALTER TABLE without a table");
        String coll = Names.collection(d.objects().get(0));
        List<MongoOp> ops = new ArrayList<>();
        List<Command.AlterAction> actions = d.actions() == null ? List.of() : d.actions();
        for (Command.AlterAction a : actions) {
            Catalog.Table t = catalog.table(coll);
            String action = a.action() == null ? "OTHER" : a.action().toUpperCase(Locale.ROOT);
            switch (action) {
                case "ADD_COLUMN" -> {
                    Command.ColumnDef def = a.definition();
                    if (def != null) def = withSqlDefault(def, SqlDefaults.ofAlterTable(sql));
                    String col = def != null ? def.name() : a.column();
                    ColumnType type = def == null ? null : ColumnType.parse(def.type());
                    Value v = ev.defaultValue(col, def == null ? null : def.defaultSql(), type);
                    if (t != null) {
                        if (t.column(col) != null) continue;   // ADD COLUMN IF NOT EXISTS
                        List<Catalog.Column> cols = new ArrayList<>(t.columns());
                        cols.add(new Catalog.Column(col, type, def != null && def.notNull(), def == null ? null : def.defaultSql()));
                        List<String> pk = t.primaryKey();
                        if (def != null && sql.toUpperCase(Locale.ROOT).contains("PRIMARY KEY")) {
                            throw new UntranslatableException("ADD COLUMN … PRIMARY KEY changes the documents' _id");
                        }
                        catalog.put(new Catalog.Table(coll, List.copyOf(cols), pk, t.unique()));
                    }
                    ops.add(new MongoOp.UpdateMany(coll, new BsonDocument(col, new BsonDocument("$exists", org.bson.BsonBoolean.FALSE)),
                            new BsonDocument("$set", new BsonDocument(col, Types.toBson(v, type, ev.zone()))), marker));
                }
                case "DROP_COLUMN" -> {
                    String col = a.column();
                    if (t != null) {
                        if (t.primaryKey().contains(col)) throw new UntranslatableException("dropping primary key column " + col + " changes the documents' _id");
                        List<Catalog.Column> cols = new ArrayList<>(t.columns());
                        cols.removeIf(c -> c.name().equals(col));
                        List<List<String>> unique = new ArrayList<>(t.unique());
                        unique.removeIf(u -> u.contains(col));
                        catalog.put(new Catalog.Table(coll, List.copyOf(cols), t.primaryKey(), List.copyOf(unique)));
                    }
                    ops.add(new MongoOp.UpdateMany(coll, new BsonDocument(), new BsonDocument("$unset", new BsonDocument(col, new BsonString(""))), marker));
                }
                case "RENAME_COLUMN" -> {
                    String col = a.column();
                    String to = a.newName();
                    if (t != null) {
                        if (t.primaryKey().size() > 1 && t.primaryKey().contains(col)) {
                            throw new UntranslatableException("renaming column " + col + " of a composite primary key changes the documents' _id");
                        }
                        List<Catalog.Column> cols = new ArrayList<>();
                        for (Catalog.Column c : t.columns()) cols.add(c.name().equals(col) ? new Catalog.Column(to, c.type(), c.notNull(), c.defaultSql()) : c);
                        List<String> pk = t.primaryKey().stream().map(p -> p.equals(col) ? to : p).toList();
                        List<List<String>> unique = t.unique().stream().map(u -> u.stream().map(p -> p.equals(col) ? to : p).toList()).toList();
                        catalog.put(new Catalog.Table(coll, List.copyOf(cols), pk, unique));
                    }
                    ops.add(new MongoOp.UpdateMany(coll, new BsonDocument(), new BsonDocument("$rename", new BsonDocument(col, new BsonString(to))), marker));
                }
                case "RENAME_TABLE" -> {
                    String to = Names.collection(new Command.Table(coll.contains(".") ? coll.substring(0, coll.indexOf('.')) : null, a.newName()));
                    catalog.renameCollection(coll, to);
                    ops.add(new MongoOp.RenameCollection(coll, to));
                    coll = to;
                }
                default -> ops.addAll(otherAlter(t, coll, sql));
            }
        }
        return ops;
    }

    /** ALTER TABLE actions the command model leaves unstructured: those that change no stored value are harmless. */
    private List<MongoOp> otherAlter(Catalog.Table t, String coll, String sql) {
        Matcher m = SET_DEFAULT.matcher(sql);
        if (m.matches()) {
            setDefault(t, coll, Names.ident(m.group(1)), m.group(2));
            return List.of();
        }
        m = DROP_DEFAULT.matcher(sql);
        if (m.matches()) {
            setDefault(t, coll, Names.ident(m.group(1)), null);
            return List.of();
        }
        if (HARMLESS_ALTER.matcher(sql).matches()) return List.of();
        throw new UntranslatableException("ALTER TABLE action that may change stored values or keys (" + sql.trim() + ")");
    }

    private void setDefault(Catalog.Table t, String coll, String col, String def) {
        if (t == null || t.column(col) == null) return;
        List<Catalog.Column> cols = new ArrayList<>();
        for (Catalog.Column c : t.columns()) cols.add(c.name().equals(col) ? new Catalog.Column(c.name(), c.type(), c.notNull(), def) : c);
        catalog.put(new Catalog.Table(coll, List.copyOf(cols), t.primaryKey(), t.unique()));
    }
}
