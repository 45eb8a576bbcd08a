package io.waly.testing;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import com.mongodb.client.MongoDatabase;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.UuidRepresentation;
import org.bson.types.Decimal128;

/**
 * Every row of a PostgreSQL table against the MongoDB document a replay made of it (one collection per table, one
 * document per row, {@code _id} the primary key): the proof the MongoDB tests end with, the same for every test.
 */
public final class RowsAndDocuments {
    private RowsAndDocuments() {}

    /**
     * What differs between {@code table}'s rows and the documents of the collection of the same name: rows without a
     * document, fields that differ or are extra, documents without a row. Empty when equal. {@code markerField} is
     * the field replay adds to every document (not a column); {@code json} is how a json/jsonb value becomes BSON.
     */
    public static List<String> differences(Connection pg, MongoDatabase db, String table, String markerField,
                                           java.util.function.Function<String, BsonValue> json) throws SQLException {
        List<String> mismatches = new ArrayList<>();
        List<String> pk = new ArrayList<>();
        try (PreparedStatement ps = pg.prepareStatement("SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
                + " AND a.attnum = ANY(i.indkey) WHERE i.indrelid = ?::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) pk.add(rs.getString(1));
            }
        }
        List<BsonDocument> docs = db.getCollection(table, BsonDocument.class).find().into(new ArrayList<>());
        Map<BsonValue, BsonDocument> byId = new HashMap<>();
        for (BsonDocument d : docs) byId.put(d.get("_id"), d);
        int rows = 0;
        List<BsonDocument> unmatched = new ArrayList<>(docs);
        try (ResultSet rs = pg.createStatement().executeQuery("SELECT * FROM " + table)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                rows++;
                BsonDocument expected = new BsonDocument();
                for (int i = 1; i <= md.getColumnCount(); i++) expected.put(md.getColumnName(i), expected(rs, i, md.getColumnTypeName(i), json));
                BsonDocument doc;
                if (pk.isEmpty()) {
                    doc = unmatched.stream().filter(d -> fieldsEqual(expected, d)).findFirst().orElse(null);
                } else {
                    BsonValue id;
                    if (pk.size() == 1) id = expected.get(pk.get(0));
                    else {
                        BsonDocument k = new BsonDocument();
                        for (String p : pk) k.put(p, expected.get(p));
                        id = k;
                    }
                    doc = byId.get(id);
                }
                if (doc == null) {
                    mismatches.add(table + ": no document for row " + expected.toJson());
                    continue;
                }
                unmatched.remove(doc);
                for (String f : expected.keySet()) {
                    if (!expected.get(f).equals(doc.get(f))) {
                        mismatches.add(table + "." + f + " of " + doc.get("_id") + ": PostgreSQL " + show(expected.get(f)) + ", MongoDB " + show(doc.get(f)));
                    }
                }
                for (String f : doc.keySet()) {
                    if (!f.equals("_id") && !f.equals(markerField) && !expected.containsKey(f)) {
                        mismatches.add(table + "." + f + " of " + doc.get("_id") + ": a field PostgreSQL does not have");
                    }
                }
            }
        }
        if (rows != docs.size()) mismatches.add(table + ": " + rows + " rows in PostgreSQL, " + docs.size() + " documents in MongoDB: extra " + unmatched);
        return mismatches;
    }

    private static boolean fieldsEqual(BsonDocument expected, BsonDocument doc) {
        for (String f : expected.keySet()) if (!expected.get(f).equals(doc.get(f))) return false;
        return true;
    }

    private static String show(BsonValue v) {
        return v == null ? "(missing)" : new BsonDocument("v", v).toJson();
    }

    /** The document field a PostgreSQL value maps to (waly-translate-mongo/README.md, "Types"). */
    private static BsonValue expected(ResultSet rs, int i, String type, java.util.function.Function<String, BsonValue> json)
            throws SQLException {
        Object o = rs.getObject(i);
        if (o == null) return BsonNull.VALUE;
        switch (type) {
            case "int2", "int4", "serial", "smallserial" -> {
                return new BsonInt32(rs.getInt(i));
            }
            case "int8", "bigserial" -> {
                return new BsonInt64(rs.getLong(i));
            }
            case "numeric" -> {
                return new BsonDecimal128(new Decimal128(rs.getBigDecimal(i)));
            }
            case "float4" -> {
                return new BsonDouble((double) rs.getFloat(i));
            }
            case "float8" -> {
                return new BsonDouble(rs.getDouble(i));
            }
            case "bool" -> {
                return BsonBoolean.valueOf(rs.getBoolean(i));
            }
            case "date" -> {
                return new BsonDateTime(rs.getObject(i, LocalDate.class).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli());
            }
            case "timestamp" -> {
                return new BsonDateTime(rs.getObject(i, LocalDateTime.class).toInstant(ZoneOffset.UTC).toEpochMilli());
            }
            case "timestamptz" -> {
                return new BsonDateTime(rs.getObject(i, OffsetDateTime.class).toInstant().toEpochMilli());
            }
            case "uuid" -> {
                return new BsonBinary((UUID) o, UuidRepresentation.STANDARD);
            }
            case "bytea" -> {
                return new BsonBinary(rs.getBytes(i));
            }
            case "json", "jsonb" -> {
                return json.apply(rs.getString(i));
            }
            case "_int4", "_text" -> {
                BsonArray a = new BsonArray();
                for (Object e : (Object[]) ((Array) o).getArray()) {
                    a.add(e == null ? BsonNull.VALUE : e instanceof Integer n ? new BsonInt32(n) : new BsonString(e.toString()));
                }
                return a;
            }
            default -> {
                return new BsonString(rs.getString(i));   // text, varchar, bpchar (padded), time
            }
        }
    }
}
