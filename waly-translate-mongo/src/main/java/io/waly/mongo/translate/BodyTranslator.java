package io.waly.mongo.translate;

import io.waly.command.Value;
import io.waly.log.replay.CommandBodies.DocumentOp;
import java.util.List;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonValue;

/**
 * A command's MongoDB body of its own ({@link io.waly.log.replay.CommandBodies}) as operations the executor runs, with
 * the same markers as translated statements, so that a re-run after a crash changes nothing twice. A document inserted
 * without {@code _id} gets one derived from the log, the command's first statement and the operation's place, so that
 * every replay gives it the same.
 */
public final class BodyTranslator {

    private BodyTranslator() {}

    /**
     * One operation; {@code seq} is the sequence number of the command's first statement, {@code index} the operation's
     * place in the body.
     */
    public static MongoOp translate(DocumentOp op, CommandTranslator translator, long seq, int index, long marker) {
        BsonDocument filter = op.filter() == null ? null : document(op.filter());
        return switch (op.kind()) {
            case INSERT_ONE -> {
                BsonDocument d = new BsonDocument("_id", org.bson.BsonNull.VALUE);   // keeps _id first
                d.putAll(document(op.document()));
                if (d.get("_id").isNull()) d.put("_id", translator.id(null, d, seq, index));
                d.put(CommandTranslator.MARKER, new BsonInt64(marker));
                yield new MongoOp.InsertDocs(op.collection(), List.of(d));
            }
            case UPDATE_ONE -> new MongoOp.UpdateOne(op.collection(), filter, document(op.document()), marker);
            case UPDATE_MANY -> new MongoOp.UpdateMany(op.collection(), filter, document(op.document()), marker);
            case DELETE_ONE -> new MongoOp.DeleteOne(op.collection(), filter, marker);
            case DELETE_MANY -> new MongoOp.DeleteMany(op.collection(), filter, marker);
        };
    }

    @SuppressWarnings("unchecked")
    private static BsonDocument document(Map<String, Object> tree) {
        BsonDocument d = new BsonDocument();
        for (Map.Entry<String, Object> e : tree.entrySet()) d.put(e.getKey(), bson(e.getValue()));
        return d;
    }

    @SuppressWarnings("unchecked")
    private static BsonValue bson(Object v) {
        if (v instanceof Map<?, ?> m) return document((Map<String, Object>) m);
        if (v instanceof List<?> l) {
            BsonArray a = new BsonArray();
            for (Object x : l) a.add(bson(x));
            return a;
        }
        return Types.toBson((Value) v);
    }
}
