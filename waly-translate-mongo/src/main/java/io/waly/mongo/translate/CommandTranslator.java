package io.waly.mongo.translate;

import io.waly.command.Command;
import io.waly.command.Expr;
import io.waly.command.Value;
import io.waly.log.payload.Payloads;
import java.nio.ByteBuffer;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonObjectId;
import org.bson.BsonValue;
import org.bson.types.ObjectId;

/**
 * The entry point of translation: one statement of the log (its command, parameters and outcome) to MongoDB
 * operations, one {@code visit} per command type. The statement's recorded effects (row images) win over its command:
 * they make volatile values, sequence defaults, INSERT … SELECT, UPDATE … FROM and subqueries exact. What has no exact
 * translation throws {@link UntranslatableException} naming why.
 *
 * <p>Documents: every column is a field (NULL is null); {@code _id} is the primary key's value, or a sub-document of
 * the key's columns for a composite key, or — without a primary key — an ObjectId derived from the statement's
 * sequence number and the row's position, so that re-applying a statement writes the same _id.
 */
public final class CommandTranslator {

    /** The field that records which statement last wrote a document; see {@link #marker}. */
    public static final String MARKER = "_walySeq";

    private final Catalog catalog;
    private final int logTag;
    private final Map<Integer, ZoneId> zones = new HashMap<>();
    /** SET LOCAL TIME ZONE: a connection's zone until its transaction (identified by its commit position) ends. */
    private final Map<Integer, LocalZone> localZones = new HashMap<>();

    private record LocalZone(long commitSeq, ZoneId zone) {}

    /** {@code logTag}: 4 bytes that identify the log, the first part of the ObjectIds of tables without primary key. */
    public CommandTranslator(Catalog catalog, int logTag) {
        this.catalog = catalog;
        this.logTag = logTag;
    }

    public Catalog catalog() {
        return catalog;
    }

    /**
     * The marker of a statement: the transaction's commit position, then the statement's index in it. Transactions are
     * applied in commit order, so markers grow in the order documents are written (statement sequence numbers do not:
     * concurrent transactions interleave).
     */
    public static long marker(long commitSeq, int statementIndex) {
        if (statementIndex >= (1 << 20)) throw new IllegalArgumentException("more than 2^20 statements in one transaction");
        return (commitSeq << 20) | statementIndex;
    }

    /** The zone timestamps without offset are read in, for a connection (its session's TimeZone, or a later SET). */
    public ZoneId zone(int connection, Map<String, String> session) {
        ZoneId z = zones.get(connection);
        if (z != null) return z;
        if (session != null) {
            for (Map.Entry<String, String> e : session.entrySet()) {
                if (e.getKey().equalsIgnoreCase("timezone")) {
                    ZoneId parsed = parseZone(e.getValue());
                    if (parsed != null) return parsed;
                }
            }
        }
        return ZoneId.of("UTC");
    }

    private static ZoneId parseZone(String s) {
        try {
            String t = s.trim();
            if (t.equalsIgnoreCase("local") || t.equalsIgnoreCase("default")) return null;
            return ZoneId.of(t.equalsIgnoreCase("utc") ? "UTC" : t);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Translates one successful statement.
     *
     * @param seq    the statement's sequence number (for ObjectIds)
     * @param marker the statement's {@link #marker}
     * @param zone   the session's time zone
     */
    public List<MongoOp> translate(Payloads.Statement st, Payloads.Outcome outcome, long seq, long marker, ZoneId zone) {
        LocalZone local = localZones.get(st.connection());
        Evaluator ev = new Evaluator(st.params(), local != null && local.commitSeq() == marker >>> 20 ? local.zone() : zone);
        Command c = st.command();
        Payloads.Effect rows = rowsEffect(outcome);
        if (c instanceof Command.Insert i) return insert(i, rows, ev, seq, marker);
        if (c instanceof Command.Upsert u) return upsert(u, rows, ev, seq, marker);
        if (c instanceof Command.Update u) return update(u, rows, effect(outcome, Payloads.Effect.OLD_ROWS), ev, seq, marker);
        if (c instanceof Command.Delete d) return delete(d, rows, ev, seq, marker);
        if (c instanceof Command.Truncate t) {
            List<MongoOp> ops = new ArrayList<>();
            for (Command.Table tb : t.tables()) ops.add(new MongoOp.DeleteMany(Names.collection(tb), new BsonDocument(), marker));
            return ops;
        }
        if (c instanceof Command.Ddl.CreateTable ct && ct.query() != null && rows != null) {
            // CREATE TABLE … AS of volatile values, logged with the rows it made: a collection of those documents
            String coll = Names.collection(ct.table());
            List<BsonDocument> docs = imageDocs(coll, rows, ev, seq, marker);
            return docs.isEmpty() ? List.of(new MongoOp.CreateCollection(coll))
                    : List.of(new MongoOp.CreateCollection(coll), new MongoOp.InsertDocs(coll, docs));
        }
        if (c instanceof Command.Ddl d) return new DdlTranslator(catalog).translate(d, ev, marker);
        if (c instanceof Command.Copy cp) return CopyReader.translate(this, cp, st, ev, seq, marker);
        if (c instanceof Command.Merge) {
            if (rows != null) throw new UntranslatableException("MERGE: its row images do not say which rows were deleted");
            throw new UntranslatableException("MERGE has no recorded effects (PostgreSQL 16 cannot return its rows)");
        }
        if (c instanceof Command.Call call) throw new UntranslatableException("CALL " + call.procedure() + ": a procedure of unknown semantics");
        if (c instanceof Command.Setting s) return setting(s, st.connection(), marker);
        if (c instanceof Command.SequenceSelect) return List.of();   // sequence values live in the rows' effects
        if (c instanceof Command.Sql s) return sql(s);
        throw new UntranslatableException("command " + c.getClass().getSimpleName() + " is not known");
    }

    private static Payloads.Effect rowsEffect(Payloads.Outcome o) {
        return effect(o, Payloads.Effect.ROWS);
    }

    private static Payloads.Effect effect(Payloads.Outcome o, String kind) {
        if (o == null || o.effects() == null) return null;
        for (Payloads.Effect e : o.effects()) if (kind.equals(e.kind())) return e;
        return null;
    }

    // ---------------------------------------------------------------- INSERT

    private List<MongoOp> insert(Command.Insert i, Payloads.Effect rows, Evaluator ev, long seq, long marker) {
        String coll = Names.collection(i.table());
        if (rows != null) return List.of(new MongoOp.InsertDocs(coll, imageDocs(coll, rows, ev, seq, marker)));
        List<Map<String, Value>> values = rowValues(i, coll, ev);
        List<BsonDocument> docs = new ArrayList<>();
        Catalog.Table t = catalog.table(coll);
        for (int r = 0; r < values.size(); r++) docs.add(document(t, values.get(r), ev, seq, r, marker));
        return List.of(new MongoOp.InsertDocs(coll, docs));
    }

    /** The full rows of an INSERT's VALUES: given columns evaluated, the others their defaults; canonical values. */
    private List<Map<String, Value>> rowValues(Command.Insert i, String coll, Evaluator ev) {
        if (i.query() != null || i.rows() == null) {
            throw new UntranslatableException("INSERT … SELECT without recorded effects: the rows are not in the log");
        }
        Catalog.Table t = catalog.table(coll);
        List<String> cols = new ArrayList<>();
        if (i.columns() == null || i.columns().isEmpty()) {
            if (t == null) throw new UntranslatableException("INSERT without a column list into " + coll + ", whose definition is not in the log");
            cols.addAll(t.columnNames());
        } else {
            cols.addAll(i.columns());
        }
        List<Map<String, Value>> out = new ArrayList<>();
        for (List<Expr> row : i.rows()) {
            Map<String, Value> m = new LinkedHashMap<>();
            for (int k = 0; k < row.size() && k < cols.size(); k++) {
                String col = cols.get(k);
                Catalog.Column def = t == null ? null : t.column(col);
                Expr e = row.get(k);
                Value v;
                if (e instanceof Expr.Default) {
                    if (def == null) throw new UntranslatableException("DEFAULT for column " + col + " whose definition is not in the log");
                    v = ev.defaultValue(def);
                } else {
                    Evaluator.checkEvaluable(e);
                    v = ev.eval(e, Evaluator.Row.NONE);
                }
                m.put(col, Types.coerce(v, def == null ? null : def.type(), ev.zone()));
            }
            if (t != null) {
                Map<String, Value> full = new LinkedHashMap<>();
                for (Catalog.Column c : t.columns()) {
                    Value v = m.containsKey(c.name()) ? m.get(c.name()) : Types.coerce(ev.defaultValue(c), c.type(), ev.zone());
                    full.put(c.name(), v);
                }
                m.forEach(full::putIfAbsent);
                m = full;
            }
            out.add(m);
        }
        return out;
    }

    /** A document from canonical values: _id first, then the columns in table order, then the marker. */
    BsonDocument document(Catalog.Table t, Map<String, Value> values, Evaluator ev, long seq, int rowIndex, long marker) {
        BsonDocument d = new BsonDocument("_id", org.bson.BsonNull.VALUE);   // keeps _id first
        for (Map.Entry<String, Value> e : values.entrySet()) {
            d.put(e.getKey(), Types.toBson(e.getValue()));
        }
        d.put("_id", id(t, d, seq, rowIndex));
        d.put(MARKER, new BsonInt64(marker));
        return d;
    }

    /** _id of a document: the primary key's value, a sub-document for a composite key, else a derived ObjectId. */
    BsonValue id(Catalog.Table t, BsonDocument fields, long seq, int rowIndex) {
        if (t != null && t.hasPrimaryKey()) {
            if (t.primaryKey().size() == 1) {
                BsonValue v = fields.get(t.primaryKey().get(0));
                if (v == null || v.isNull()) throw new UntranslatableException("primary key " + t.primaryKey().get(0) + " is NULL or missing");
                return v;
            }
            BsonDocument key = new BsonDocument();
            for (String k : t.primaryKey()) {
                BsonValue v = fields.get(k);
                if (v == null || v.isNull()) throw new UntranslatableException("primary key column " + k + " is NULL or missing");
                key.put(k, v);
            }
            return key;
        }
        ByteBuffer b = ByteBuffer.allocate(12);
        b.putInt(logTag);
        b.put((byte) (seq >>> 32)).putInt((int) seq);
        b.put((byte) (rowIndex >>> 16)).put((byte) (rowIndex >>> 8)).put((byte) rowIndex);
        return new BsonObjectId(new ObjectId(b.array()));
    }

    /** Documents from a statement's row images (the truth about what it wrote). */
    private List<BsonDocument> imageDocs(String coll, Payloads.Effect rows, Evaluator ev, long seq, long marker) {
        String target = rows.target() == null ? coll : Names.collectionOfFolded(rows.target());
        Catalog.Table t = catalog.table(target);
        List<String> cols = new ArrayList<>(rows.columns());
        List<BsonDocument> docs = new ArrayList<>();
        for (int r = 0; r < rows.rows().size(); r++) {
            List<Value> row = rows.rows().get(r);
            Map<String, Value> m = new LinkedHashMap<>();
            for (int k = 0; k < cols.size() && k < row.size(); k++) {
                // RETURNING * of UPDATE … FROM / DELETE … USING also returns the other tables' columns, after the target's
                if (m.containsKey(cols.get(k)) || t != null && t.column(cols.get(k)) == null) continue;
                ColumnType type = t == null ? null : t.type(cols.get(k));
                m.put(cols.get(k), Types.coerce(row.get(k), type, ev.zone()));
            }
            docs.add(document(t, m, ev, seq, r, marker));
        }
        return docs;
    }

    // ---------------------------------------------------------------- INSERT … ON CONFLICT

    private List<MongoOp> upsert(Command.Upsert u, Payloads.Effect rows, Evaluator ev, long seq, long marker) {
        String coll = Names.collection(u.insert().table());
        Catalog.Table t = catalog.table(coll);
        if (rows != null) {
            List<BsonDocument> docs = imageDocs(coll, rows, ev, seq, marker);
            if (t != null && t.hasPrimaryKey()) return List.of(new MongoOp.ReplaceDocs(coll, docs, null, marker));
            List<String> key = conflictTarget(u, t);
            if (key == null) throw new UntranslatableException("ON CONFLICT on a table without primary key and without a named conflict target");
            return List.of(new MongoOp.ReplaceDocs(coll, docs, key, marker));
        }
        if (t == null) throw new UntranslatableException("INSERT … ON CONFLICT into " + coll + ", whose definition is not in the log, without recorded effects");
        List<Map<String, Value>> values = rowValues(u.insert(), coll, ev);
        List<BsonDocument> docs = new ArrayList<>();
        for (int r = 0; r < values.size(); r++) docs.add(document(t, values.get(r), ev, seq, r, marker));
        List<List<String>> conflict = new ArrayList<>();
        List<String> target = conflictTarget(u, t);
        if (target != null) conflict.add(target);
        else {
            if (!u.doNothing()) throw new UntranslatableException("ON CONFLICT DO UPDATE without a conflict target");
            if (t.hasPrimaryKey()) conflict.add(t.primaryKey());
            conflict.addAll(t.unique());
        }
        List<MongoOp.Assign> set = new ArrayList<>();
        if (!u.doNothing()) {
            UpdateTranslator.Plan plan = new UpdateTranslator(t, ev).translate(u.set());
            for (MongoOp.Assign a : plan.assigns()) {
                if (t.primaryKey().contains(a.column())) throw new UntranslatableException("ON CONFLICT DO UPDATE changes primary key column " + a.column());
                if (!(a.value() instanceof Expr.Default)) Evaluator.checkEvaluable(a.value());
            }
            set.addAll(plan.assigns());
            Evaluator.checkEvaluable(u.where());
        }
        return List.of(new MongoOp.Upsert(coll, docs, values, conflict, u.doNothing(), set, u.where(), t, ev, marker));
    }

    /** The columns of the conflict target; null when none is given (DO NOTHING on any conflict). */
    private static List<String> conflictTarget(Command.Upsert u, Catalog.Table t) {
        if (u.conflictColumns() != null && !u.conflictColumns().isEmpty()) {
            List<String> cols = new ArrayList<>();
            cols.addAll(u.conflictColumns());
            return cols;
        }
        if (u.conflictConstraint() != null) {
            String name = Names.ident(u.conflictConstraint());
            if (t != null && name.equals(t.collection().replaceFirst("^.*\\.", "") + "_pkey") && t.hasPrimaryKey()) return t.primaryKey();
            if (t != null) {
                for (List<String> un : t.unique()) {
                    if (name.equals(t.collection().replaceFirst("^.*\\.", "") + "_" + String.join("_", un) + "_key")) return un;
                }
            }
            throw new UntranslatableException("ON CONFLICT ON CONSTRAINT " + name + ": the constraint's columns are not known");
        }
        return null;
    }

    // ---------------------------------------------------------------- UPDATE

    private List<MongoOp> update(Command.Update u, Payloads.Effect rows, Payloads.Effect old, Evaluator ev, long seq, long marker) {
        String coll = Names.collection(u.table());
        Catalog.Table t = catalog.table(coll);
        if (rows != null && old != null && t != null && !t.hasPrimaryKey() && old.rows().size() == rows.rows().size()) {
            // by cursor position on a table without primary key: the document that holds the old values gets the new
            List<BsonDocument> before = imageDocs(coll, old, ev, seq, marker);
            List<BsonDocument> after = imageDocs(coll, rows, ev, seq, marker);
            for (BsonDocument d : before) {
                d.remove("_id");
                d.remove(MARKER);
            }
            for (BsonDocument d : after) {
                d.remove("_id");
                d.remove(MARKER);
            }
            return List.of(new MongoOp.UpdateRows(coll, before, after, marker));
        }
        if (rows != null && t == null && u.from() != null && !u.from().isEmpty()) {
            throw new UntranslatableException("UPDATE … FROM on " + coll + ", whose definition is not in the log: its row images mix the tables' columns");
        }
        if (rows != null && t != null && t.hasPrimaryKey()) {
            List<BsonDocument> docs = imageDocs(coll, rows, ev, seq, marker);
            boolean keyChanges = false;
            for (Command.Assignment a : u.set()) keyChanges |= t.primaryKey().contains(a.column());
            if (!keyChanges) return List.of(new MongoOp.ReplaceDocs(coll, docs, null, marker));
            // the images carry the new keys only: remove the old documents by the WHERE clause first
            if (u.from() != null && !u.from().isEmpty()) throw new UntranslatableException("UPDATE … FROM that changes the primary key");
            FilterTranslator.Filter f = new FilterTranslator(t, ev).translate(u.where());
            MongoOp del = f.exact() ? new MongoOp.DeleteMany(coll, f.pushed(), marker)
                    : new MongoOp.DeleteEach(coll, f.pushed(), f.residual(), t, ev, marker);
            return List.of(del, new MongoOp.ReplaceDocs(coll, docs, null, marker));
        }
        if (u.from() != null && !u.from().isEmpty()) {
            throw new UntranslatableException("UPDATE … FROM " + String.join(", ", u.from()) + " without recorded effects: the rows depend on other tables");
        }
        FilterTranslator.Filter f = new FilterTranslator(t, ev).translate(u.where());
        UpdateTranslator.Plan plan = new UpdateTranslator(t, ev).translate(u.set());
        if (!plan.computed() && f.exact()) return List.of(new MongoOp.UpdateMany(coll, f.pushed(), plan.update(), marker));
        if (t == null) {
            // per-document evaluation needs the column types for DEFAULT only; values convert by their kinds
            for (MongoOp.Assign a : plan.assigns()) if (a.value() instanceof Expr.Default) throw new UntranslatableException("SET DEFAULT on an unknown table");
        }
        return List.of(new MongoOp.UpdateEach(coll, f.pushed(), f.residual(), plan.assigns(), t, ev, marker));
    }

    // ---------------------------------------------------------------- DELETE

    private List<MongoOp> delete(Command.Delete d, Payloads.Effect rows, Evaluator ev, long seq, long marker) {
        String coll = Names.collection(d.table());
        Catalog.Table t = catalog.table(coll);
        if (rows != null && t == null && d.using() != null && !d.using().isEmpty()) {
            throw new UntranslatableException("DELETE … USING on " + coll + ", whose definition is not in the log: its row images mix the tables' columns");
        }
        if (rows != null) {
            List<BsonDocument> images = imageDocs(coll, rows, ev, seq, marker);
            if (t != null && t.hasPrimaryKey()) {
                BsonArray ids = new BsonArray();
                for (BsonDocument doc : images) ids.add(doc.get("_id"));
                return List.of(new MongoOp.DeleteMany(coll, new BsonDocument("_id", new BsonDocument("$in", ids)), marker));
            }
            for (BsonDocument doc : images) {
                doc.remove("_id");
                doc.remove(MARKER);
            }
            return List.of(new MongoOp.DeleteRows(coll, images, marker));
        }
        if (d.using() != null && !d.using().isEmpty()) {
            throw new UntranslatableException("DELETE … USING " + String.join(", ", d.using()) + " without recorded effects: the rows depend on other tables");
        }
        FilterTranslator.Filter f = new FilterTranslator(t, ev).translate(d.where());
        if (f.exact()) return List.of(new MongoOp.DeleteMany(coll, f.pushed(), marker));
        return List.of(new MongoOp.DeleteEach(coll, f.pushed(), f.residual(), t, ev, marker));
    }

    // ---------------------------------------------------------------- statements without structure

    /** A session's time zone is what timestamps without offset are read in; other settings change no stored data. */
    private List<MongoOp> setting(Command.Setting s, int connection, long marker) {
        if (!"timezone".equals(s.name()) && !"all".equals(s.name())) return List.of();
        ZoneId z = s.value() == null ? null : parseZone(s.value());
        if (s.local()) {
            if (z != null) localZones.put(connection, new LocalZone(marker >>> 20, z));
        } else if (z != null) {
            zones.put(connection, z);
        } else {
            zones.remove(connection);   // RESET, DEFAULT, LOCAL: back to the session's
        }
        return List.of();
    }

    private List<MongoOp> sql(Command.Sql s) {
        String kind = s.kind() == null ? "" : s.kind().toUpperCase(Locale.ROOT);
        switch (kind) {
            case "SET", "RESET", "LOCK", "ANALYZE", "VACUUM", "CHECKPOINT", "DISCARD", "NOTIFY", "LISTEN", "UNLISTEN", "COMMENT",
                    "DEALLOCATE", "CLUSTER", "REINDEX", "SHOW", "PREPARE", "EXPLAIN" -> {
                return List.of();   // SET TRANSACTION / SET CONSTRAINTS, and statements that change no stored data
            }
            case "SELECT" -> throw new UntranslatableException("SELECT that may write (a function of unknown semantics)");
            default -> throw new UntranslatableException((kind.isEmpty() ? "a" : kind) + " statement has no MongoDB translation");
        }
    }
}
