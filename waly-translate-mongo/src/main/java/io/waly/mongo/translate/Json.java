package io.waly.mongo.translate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigDecimal;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.types.Decimal128;

/**
 * json/jsonb text to BSON. Not MongoDB's Extended JSON parser: a key such as {@code $date} in the application's data
 * stays a plain key. Objects become embedded documents, arrays arrays; integral numbers Int32/Int64 (Decimal128 beyond),
 * other numbers Decimal128 so that no digit of a jsonb number (a PostgreSQL numeric) is lost.
 */
public final class Json {
    private Json() {}

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    public static BsonValue parse(String text) {
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) throw new UntranslatableException("empty JSON value");
            BsonValue v = read(p, t);
            if (p.nextToken() != null) throw new UntranslatableException("trailing text after a JSON value");
            return v;
        } catch (IOException e) {
            throw new UntranslatableException("invalid JSON: " + e.getMessage());
        }
    }

    private static BsonValue read(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT -> {
                BsonDocument d = new BsonDocument();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    d.put(name, read(p, p.nextToken()));   // jsonb: the last of duplicate keys wins
                }
                return d;
            }
            case START_ARRAY -> {
                BsonArray a = new BsonArray();
                JsonToken n;
                while ((n = p.nextToken()) != JsonToken.END_ARRAY) a.add(read(p, n));
                return a;
            }
            case VALUE_STRING -> {
                return new BsonString(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return switch (p.getNumberType()) {
                    case INT -> new BsonInt32(p.getIntValue());
                    case LONG -> new BsonInt64(p.getLongValue());
                    default -> new BsonDecimal128(new Decimal128(new BigDecimal(p.getBigIntegerValue())));
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                return new BsonDecimal128(new Decimal128(new BigDecimal(p.getText())));
            }
            case VALUE_TRUE -> {
                return BsonBoolean.TRUE;
            }
            case VALUE_FALSE -> {
                return BsonBoolean.FALSE;
            }
            case VALUE_NULL -> {
                return BsonNull.VALUE;
            }
            default -> throw new UntranslatableException("unexpected JSON token " + t);
        }
    }
}
