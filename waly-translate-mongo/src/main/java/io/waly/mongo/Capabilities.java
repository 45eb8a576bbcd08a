package io.waly.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.Document;

/**
 * What the target server can do, asked once per run. Multi-document transactions need a replica set or a sharded
 * cluster (the {@code isMaster} reply names a set or says {@code isdbgrid}) with sessions. Partial indexes are
 * probed on a scratch collection because some servers accept the option and ignore it.
 */
final class Capabilities {

    final boolean transactions;
    private final MongoDatabase db;
    private Boolean partialIndexes;

    private Capabilities(MongoDatabase db, boolean transactions) {
        this.db = db;
        this.transactions = transactions;
    }

    static Capabilities probe(MongoDatabase db) {
        Document hello = db.runCommand(new Document("isMaster", 1));
        boolean cluster = hello.get("setName") != null || "isdbgrid".equals(hello.get("msg"));
        boolean sessions = hello.get("logicalSessionTimeoutMinutes") != null;
        return new Capabilities(db, cluster && sessions);
    }

    /** Whether a unique partial index really ignores documents outside its filter. */
    synchronized boolean partialIndexes() {
        if (partialIndexes == null) {
            String name = "waly_probe_" + Long.toHexString(System.nanoTime());
            MongoCollection<BsonDocument> c = db.getCollection(name, BsonDocument.class);
            try {
                c.createIndex(new BsonDocument("x", new BsonInt32(1)), new IndexOptions().unique(true)
                        .partialFilterExpression(new BsonDocument("x", new BsonDocument("$type", new BsonString("int")))));
                c.insertOne(new BsonDocument("_id", new BsonInt32(1)));
                c.insertOne(new BsonDocument("_id", new BsonInt32(2)));
                partialIndexes = true;
            } catch (MongoException e) {
                partialIndexes = false;
            } finally {
                c.drop();
            }
        }
        return partialIndexes;
    }
}
