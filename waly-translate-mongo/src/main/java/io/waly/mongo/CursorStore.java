package io.waly.mongo;

import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.ReplaceOptions;
import io.waly.mongo.translate.Catalog;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;

/**
 * The replay cursor in the target database: collection {@value #COLLECTION}, one document per log (its _id is the
 * log id), holding where to restart reading ({@code restartSeq}), the COMMIT position of the last applied transaction
 * ({@code commitSeq}), and the catalog of tables learnt from the log's DDL so far. It is written with every applied
 * batch of transactions: inside the MongoDB transaction when there is one, otherwise after the batch's writes.
 */
final class CursorStore {

    static final String COLLECTION = "waly_cursor";

    record Position(long restartSeq, long commitSeq, Catalog catalog) {}

    private final MongoCollection<BsonDocument> coll;
    private final String logId;

    CursorStore(MongoDatabase db, String logId) {
        this.coll = db.getCollection(COLLECTION, BsonDocument.class);
        this.logId = logId;
    }

    Position load() {
        BsonDocument d = coll.find(new BsonDocument("_id", new BsonString(logId))).first();
        if (d == null) return null;
        return new Position(d.getInt64("restartSeq").getValue(), d.getInt64("commitSeq").getValue(),
                Catalog.fromBson(d.getDocument("catalog", null)));
    }

    void save(ClientSession session, long restartSeq, long commitSeq, long txId, Catalog catalog) {
        BsonDocument d = new BsonDocument("_id", new BsonString(logId))
                .append("restartSeq", new BsonInt64(restartSeq))
                .append("commitSeq", new BsonInt64(commitSeq))
                .append("txId", new BsonInt64(txId))
                .append("updatedAt", new BsonDateTime(System.currentTimeMillis()))
                .append("catalog", catalog.toBson());
        BsonDocument filter = new BsonDocument("_id", new BsonString(logId));
        ReplaceOptions upsert = new ReplaceOptions().upsert(true);
        if (session == null) coll.replaceOne(filter, d, upsert);
        else coll.replaceOne(session, filter, d, upsert);
    }
}
