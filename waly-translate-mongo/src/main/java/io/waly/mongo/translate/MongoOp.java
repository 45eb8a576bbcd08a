package io.waly.mongo.translate;

import io.waly.command.Expr;
import io.waly.command.Value;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;

/**
 * One MongoDB operation a statement translates to. Translation is pure (it reads only the catalog); the replayer's
 * executor runs the operations in order. Every data operation carries the {@code marker} of its statement (see
 * {@link CommandTranslator#MARKER}): documents written get it, and filters skip documents that already carry a marker
 * at or past it, which makes re-applying a transaction after a crash idempotent.
 */
public sealed interface MongoOp {

    String collection();

    /** New rows. A duplicate _id (only possible when a transaction is re-applied) is replaced instead. */
    record InsertDocs(String collection, List<BsonDocument> docs) implements MongoOp {}

    /**
     * Row images the statement produced (recorded effects): each replaces the document with the same key, or is
     * inserted. {@code keyFields} null: the key is _id; otherwise those fields (a table without primary key).
     */
    record ReplaceDocs(String collection, List<BsonDocument> docs, List<String> keyFields, long marker) implements MongoOp {}

    /** updateMany with a filter that is exact and an update document ($set, $inc, $unset, $rename). */
    record UpdateMany(String collection, BsonDocument filter, BsonDocument update, long marker) implements MongoOp {}

    /**
     * An update that needs each row: a residual WHERE to evaluate, assignments computed from the row (PostgreSQL
     * semantics), or a primary key that changes (delete and insert, since _id is immutable).
     */
    record UpdateEach(String collection, BsonDocument filter, Expr residual, List<Assign> set, Catalog.Table table,
                      Evaluator evaluator, long marker) implements MongoOp {}

    record DeleteMany(String collection, BsonDocument filter, long marker) implements MongoOp {}

    /** updateOne of a command's MongoDB body of its own ({@link BodyTranslator}). */
    record UpdateOne(String collection, BsonDocument filter, BsonDocument update, long marker) implements MongoOp {}

    /** deleteOne of a command's MongoDB body of its own ({@link BodyTranslator}). */
    record DeleteOne(String collection, BsonDocument filter, long marker) implements MongoOp {}

    record DeleteEach(String collection, BsonDocument filter, Expr residual, Catalog.Table table, Evaluator evaluator,
                      long marker) implements MongoOp {}

    /** Deletes one document per row image (a table without primary key: all fields equal). */
    record DeleteRows(String collection, List<BsonDocument> images, long marker) implements MongoOp {}

    /**
     * Per pair of row images, sets one document whose fields all equal {@code before}'s to {@code after}'s: an UPDATE
     * by cursor position on a table without primary key, logged with its rows' old values.
     */
    record UpdateRows(String collection, List<BsonDocument> before, List<BsonDocument> after, long marker) implements MongoOp {}

    /**
     * INSERT … ON CONFLICT without recorded effects: per row, find the conflicting document by {@code conflict} (each
     * inner list one unique key, any of which conflicts); insert when none, else DO NOTHING or evaluate DO UPDATE SET
     * with the document as the row and {@code excluded} as EXCLUDED.
     */
    record Upsert(String collection, List<BsonDocument> docs, List<Map<String, Value>> excluded, List<List<String>> conflict,
                  boolean doNothing, List<Assign> set, Expr where, Catalog.Table table, Evaluator evaluator, long marker)
            implements MongoOp {}

    /** An assignment with its column's name folded and its type known (null: unknown table). */
    record Assign(String column, Expr value, ColumnType type) {}

    record CreateCollection(String collection) implements MongoOp {}

    /** {@code partial}: the filter under which a unique index holds (PostgreSQL's NULLs never conflict), or null. */
    record CreateIndex(String collection, String name, List<String> fields, boolean unique, BsonDocument partial)
            implements MongoOp {}

    /** {@code collection} null: look for the index in every collection. */
    record DropIndex(String collection, String name) implements MongoOp {}

    record DropCollection(String collection) implements MongoOp {}

    record RenameCollection(String collection, String to) implements MongoOp {}

    /** True for operations MongoDB does not allow inside a multi-document transaction. */
    static boolean isDdl(MongoOp op) {
        return op instanceof CreateCollection || op instanceof CreateIndex || op instanceof DropIndex
                || op instanceof DropCollection || op instanceof RenameCollection;
    }
}
