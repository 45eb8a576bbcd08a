package io.waly.mongo;

import static io.waly.mongo.translate.CommandTranslator.MARKER;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoNamespace;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.ClientSession;
import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.WriteModel;
import com.mongodb.client.result.DeleteResult;
import com.mongodb.client.result.UpdateResult;
import io.waly.command.Expr;
import io.waly.command.Value;
import io.waly.mongo.translate.Catalog;
import io.waly.mongo.translate.ColumnType;
import io.waly.mongo.translate.Evaluator;
import io.waly.mongo.translate.MongoOp;
import io.waly.mongo.translate.Types;
import io.waly.mongo.translate.UntranslatableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonValue;

/**
 * Runs translated operations against the target database. Every write sets the statement's marker on the documents
 * it writes, and every filter skips documents whose marker is at or past the statement's: re-running a transaction
 * that was partly applied (no MongoDB transactions, and a crash before the cursor moved) changes nothing it already
 * changed. A duplicate _id on insert can only come from such a re-run (PostgreSQL refused real duplicates), so the
 * document is replaced instead.
 */
final class OpExecutor {

    private static final int DUPLICATE_KEY = 11000;
    private static final int NAMESPACE_EXISTS = 48;
    private static final int NAMESPACE_NOT_FOUND = 26;
    private static final int INDEX_NOT_FOUND = 27;
    private static final BulkWriteOptions ORDERED = new BulkWriteOptions().ordered(true);

    private final MongoDatabase db;
    private final Capabilities caps;

    OpExecutor(MongoDatabase db, Capabilities caps) {
        this.db = db;
        this.caps = caps;
    }

    private MongoCollection<BsonDocument> coll(String name) {
        return db.getCollection(name, BsonDocument.class);
    }

    /** Consecutive inserts into one collection become one insertMany: order is kept, round trips are not. */
    static List<MongoOp> coalesce(List<MongoOp> ops) {
        List<MongoOp> out = new ArrayList<>(ops.size());
        for (MongoOp op : ops) {
            if (op instanceof MongoOp.InsertDocs i && !out.isEmpty() && out.get(out.size() - 1) instanceof MongoOp.InsertDocs prev
                    && prev.collection().equals(i.collection())) {
                List<BsonDocument> docs = prev.docs() instanceof ArrayList<BsonDocument> a ? a : new ArrayList<>(prev.docs());
                docs.addAll(i.docs());
                out.set(out.size() - 1, new MongoOp.InsertDocs(i.collection(), docs));
            } else {
                out.add(op);
            }
        }
        return out;
    }

    /** Runs one operation; {@code s} null outside a MongoDB transaction. Returns the number of documents written. */
    long execute(MongoOp op, ClientSession s) {
        if (op instanceof MongoOp.InsertDocs i) return insert(i, s);
        if (op instanceof MongoOp.ReplaceDocs r) return replace(r, s);
        if (op instanceof MongoOp.UpdateMany u) {
            BsonDocument update = marked(u.update(), u.marker());
            BsonDocument f = guard(u.filter(), u.marker());
            UpdateResult res = s == null ? coll(u.collection()).updateMany(f, update) : coll(u.collection()).updateMany(s, f, update);
            return res.getModifiedCount();
        }
        if (op instanceof MongoOp.UpdateOne u) {
            BsonDocument update = marked(u.update(), u.marker());
            BsonDocument f = guard(u.filter(), u.marker());
            UpdateResult res = s == null ? coll(u.collection()).updateOne(f, update) : coll(u.collection()).updateOne(s, f, update);
            return res.getModifiedCount();
        }
        if (op instanceof MongoOp.DeleteOne d) {
            BsonDocument f = guard(d.filter(), d.marker());
            DeleteResult res = s == null ? coll(d.collection()).deleteOne(f) : coll(d.collection()).deleteOne(s, f);
            return res.getDeletedCount();
        }
        if (op instanceof MongoOp.UpdateEach u) return updateEach(u, s);
        if (op instanceof MongoOp.DeleteMany d) {
            BsonDocument f = guard(d.filter(), d.marker());
            DeleteResult res = s == null ? coll(d.collection()).deleteMany(f) : coll(d.collection()).deleteMany(s, f);
            return res.getDeletedCount();
        }
        if (op instanceof MongoOp.DeleteEach d) return deleteEach(d, s);
        if (op instanceof MongoOp.DeleteRows d) {
            List<WriteModel<BsonDocument>> models = new ArrayList<>();
            for (BsonDocument image : d.images()) models.add(new DeleteOneModel<>(guard(image, d.marker())));
            return bulk(d.collection(), models, s).getDeletedCount();
        }
        if (op instanceof MongoOp.UpdateRows u) {
            List<WriteModel<BsonDocument>> models = new ArrayList<>();
            for (int i = 0; i < u.before().size(); i++) {
                BsonDocument set = u.after().get(i).clone();
                set.put(MARKER, new BsonInt64(u.marker()));
                models.add(new UpdateOneModel<>(guard(u.before().get(i), u.marker()), new BsonDocument("$set", set)));
            }
            return bulk(u.collection(), models, s).getModifiedCount();
        }
        if (op instanceof MongoOp.Upsert u) return upsert(u, s);
        if (op instanceof MongoOp.CreateCollection c) {
            try {
                db.createCollection(c.collection());
            } catch (MongoCommandException e) {
                if (e.getErrorCode() != NAMESPACE_EXISTS) throw e;
            }
            return 0;
        }
        if (op instanceof MongoOp.CreateIndex c) {
            BsonDocument keys = new BsonDocument();
            for (String f : c.fields()) keys.put(f, new BsonInt32(1));
            IndexOptions o = new IndexOptions().name(c.name()).unique(c.unique());
            if (c.partial() != null) {
                if (caps.partialIndexes()) o.partialFilterExpression(c.partial());
                else o.unique(false);   // a unique index without its filter would reject the NULLs PostgreSQL allows
            }
            coll(c.collection()).createIndex(keys, o);
            return 0;
        }
        if (op instanceof MongoOp.DropIndex d) {
            List<String> colls = new ArrayList<>();
            if (d.collection() != null) colls.add(d.collection());
            else db.listCollectionNames().into(colls);
            for (String c : colls) {
                try {
                    coll(c).dropIndex(d.name());
                    break;
                } catch (MongoCommandException e) {
                    if (e.getErrorCode() != INDEX_NOT_FOUND && e.getErrorCode() != NAMESPACE_NOT_FOUND) throw e;
                }
            }
            return 0;
        }
        if (op instanceof MongoOp.DropCollection d) {
            coll(d.collection()).drop();
            return 0;
        }
        if (op instanceof MongoOp.RenameCollection r) {
            try {
                coll(r.collection()).renameCollection(new MongoNamespace(db.getName(), r.to()));
            } catch (MongoCommandException e) {
                if (e.getErrorCode() != NAMESPACE_NOT_FOUND) throw e;   // renamed already by an earlier run
            }
            return 0;
        }
        throw new IllegalStateException("unknown operation " + op);
    }

    /** The update with the statement's marker set on the documents it changes. */
    private static BsonDocument marked(BsonDocument update, long marker) {
        BsonDocument out = update.clone();
        BsonDocument set = out.containsKey("$set") ? out.getDocument("$set") : new BsonDocument();
        set.put(MARKER, new BsonInt64(marker));
        out.put("$set", set);
        return out;
    }

    static BsonDocument guard(BsonDocument filter, long marker) {
        BsonDocument g = new BsonDocument(MARKER, new BsonDocument("$not", new BsonDocument("$gte", new BsonInt64(marker))));
        if (filter.isEmpty()) return g;
        if (!filter.containsKey(MARKER) && !filter.containsKey("$and")) {
            BsonDocument f = filter.clone();
            f.putAll(g);
            return f;
        }
        return new BsonDocument("$and", new BsonArray(List.of(filter, g)));
    }

    private BulkWriteResult bulk(String collection, List<WriteModel<BsonDocument>> models, ClientSession s) {
        if (models.isEmpty()) return BulkWriteResult.acknowledged(0, 0, 0, 0, List.of(), List.of());
        return s == null ? coll(collection).bulkWrite(models, ORDERED) : coll(collection).bulkWrite(s, models, ORDERED);
    }

    private long insert(MongoOp.InsertDocs i, ClientSession s) {
        if (i.docs().isEmpty()) return 0;
        List<WriteModel<BsonDocument>> models = new ArrayList<>(i.docs().size());
        for (BsonDocument d : i.docs()) models.add(new InsertOneModel<>(d));
        try {
            bulk(i.collection(), models, s);
        } catch (MongoBulkWriteException e) {
            List<BulkWriteError> errors = e.getWriteErrors();
            if (errors.size() != 1 || errors.get(0).getCode() != DUPLICATE_KEY || s != null && caps.transactions) throw e;
            // ordered: everything before the duplicate is in; the rest becomes replace-or-insert by _id
            int from = errors.get(0).getIndex();
            List<WriteModel<BsonDocument>> rest = new ArrayList<>();
            ReplaceOptions upsert = new ReplaceOptions().upsert(true);
            for (BsonDocument d : i.docs().subList(from, i.docs().size())) {
                rest.add(new ReplaceOneModel<>(new BsonDocument("_id", d.get("_id")), d, upsert));
            }
            bulk(i.collection(), rest, s);
        }
        return i.docs().size();
    }

    private long replace(MongoOp.ReplaceDocs r, ClientSession s) {
        List<WriteModel<BsonDocument>> models = new ArrayList<>();
        ReplaceOptions upsert = new ReplaceOptions().upsert(true);
        for (BsonDocument d : r.docs()) {
            if (r.keyFields() == null) {
                models.add(new ReplaceOneModel<>(new BsonDocument("_id", d.get("_id")), d, upsert));
            } else {
                BsonDocument f = new BsonDocument();
                for (String k : r.keyFields()) f.put(k, d.get(k));
                BsonDocument without = d.clone();
                without.remove("_id");
                models.add(new ReplaceOneModel<>(f, without, upsert));
            }
        }
        bulk(r.collection(), models, s);
        return r.docs().size();
    }

    private List<BsonDocument> find(String collection, BsonDocument filter, ClientSession s) {
        FindIterable<BsonDocument> it = s == null ? coll(collection).find(filter) : coll(collection).find(s, filter);
        return it.into(new ArrayList<>());
    }

    /** The evaluator's view of a document: fields read back with the column types. */
    static Evaluator.Row row(BsonDocument doc, Catalog.Table table, Map<String, Value> excluded) {
        return (qualifier, column) -> {
            if (excluded != null && "excluded".equals(qualifier)) {
                Value v = excluded.get(column);
                if (v == null) throw new UntranslatableException("EXCLUDED." + column + " is not a column");
                return v;
            }
            ColumnType t = null;
            if (table != null) {
                t = table.type(column);
                if (t == null) throw new UntranslatableException("column " + column + " is not in the definition of " + table.collection());
            }
            return Types.fromBson(doc.get(column), t);
        };
    }

    private BsonDocument assignments(List<MongoOp.Assign> set, Evaluator ev, Evaluator.Row row, Catalog.Table table) {
        BsonDocument out = new BsonDocument();
        for (MongoOp.Assign a : set) {
            Value v;
            if (a.value() instanceof Expr.Default) {
                Catalog.Column c = table.column(a.column());
                v = ev.defaultValue(c);
            } else {
                v = ev.eval(a.value(), row);
            }
            out.put(a.column(), Types.toBson(v, a.type(), ev.zone()));
        }
        return out;
    }

    private long updateEach(MongoOp.UpdateEach u, ClientSession s) {
        Catalog.Table t = u.table();
        boolean keyChanges = false;
        if (t != null) for (MongoOp.Assign a : u.set()) keyChanges |= t.primaryKey().contains(a.column());
        List<WriteModel<BsonDocument>> deletes = new ArrayList<>();
        List<WriteModel<BsonDocument>> writes = new ArrayList<>();
        for (BsonDocument doc : find(u.collection(), guard(u.filter(), u.marker()), s)) {
            Evaluator.Row row = row(doc, t, null);
            if (u.residual() != null && !Boolean.TRUE.equals(u.evaluator().truth(u.residual(), row))) continue;
            BsonDocument set = assignments(u.set(), u.evaluator(), row, t);   // all from the old row, as SQL does
            set.put(MARKER, new BsonInt64(u.marker()));
            if (keyChanges) {
                BsonDocument next = doc.clone();
                next.putAll(set);
                next.put("_id", newId(t, next));
                deletes.add(new DeleteOneModel<>(new BsonDocument("_id", doc.get("_id"))));
                writes.add(new InsertOneModel<>(next));
            } else {
                writes.add(new UpdateOneModel<>(new BsonDocument("_id", doc.get("_id")), new BsonDocument("$set", set)));
            }
        }
        // with a changing key all old documents go first: PostgreSQL checks uniqueness of the statement's result
        bulk(u.collection(), deletes, s);
        bulk(u.collection(), writes, s);
        return writes.size();
    }

    private static BsonValue newId(Catalog.Table t, BsonDocument fields) {
        if (t.primaryKey().size() == 1) return fields.get(t.primaryKey().get(0));
        BsonDocument key = new BsonDocument();
        for (String k : t.primaryKey()) key.put(k, fields.get(k));
        return key;
    }

    private long deleteEach(MongoOp.DeleteEach d, ClientSession s) {
        List<WriteModel<BsonDocument>> models = new ArrayList<>();
        for (BsonDocument doc : find(d.collection(), guard(d.filter(), d.marker()), s)) {
            if (Boolean.TRUE.equals(d.evaluator().truth(d.residual(), row(doc, d.table(), null)))) {
                models.add(new DeleteOneModel<>(new BsonDocument("_id", doc.get("_id"))));
            }
        }
        return bulk(d.collection(), models, s).getDeletedCount();
    }

    private long upsert(MongoOp.Upsert u, ClientSession s) {
        long written = 0;
        MongoCollection<BsonDocument> c = coll(u.collection());
        Catalog.Table t = u.table();
        for (int i = 0; i < u.docs().size(); i++) {
            BsonDocument doc = u.docs().get(i);
            BsonArray any = new BsonArray();
            for (List<String> key : u.conflict()) {
                BsonDocument f = new BsonDocument();
                boolean hasNull = false;
                if (key.equals(t.primaryKey())) f.put("_id", doc.get("_id"));
                else for (String k : key) {
                    BsonValue v = doc.get(k);
                    hasNull |= v == null || v.isNull();
                    f.put(k, v);
                }
                if (!hasNull) any.add(f);   // NULLs never conflict
            }
            BsonDocument existing = null;
            if (!any.isEmpty()) {
                BsonDocument f = any.size() == 1 ? any.get(0).asDocument() : new BsonDocument("$or", any);
                existing = (s == null ? c.find(f) : c.find(s, f)).first();
            }
            if (existing == null) {
                if (s == null) c.insertOne(doc);
                else c.insertOne(s, doc);
                written++;
                continue;
            }
            BsonValue m = existing.get(MARKER);
            if (m != null && m.isInt64() && m.asInt64().getValue() >= u.marker()) continue;   // applied by an earlier run
            if (u.doNothing()) continue;
            Evaluator.Row row = row(existing, t, u.excluded().get(i));
            if (u.where() != null && !Boolean.TRUE.equals(u.evaluator().truth(u.where(), row))) continue;
            BsonDocument set = assignments(u.set(), u.evaluator(), row, t);
            set.put(MARKER, new BsonInt64(u.marker()));
            BsonDocument f = new BsonDocument("_id", existing.get("_id"));
            if (s == null) c.updateOne(f, new BsonDocument("$set", set));
            else c.updateOne(s, f, new BsonDocument("$set", set));
            written++;
        }
        return written;
    }

}
