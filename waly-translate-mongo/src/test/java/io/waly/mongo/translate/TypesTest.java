package io.waly.mongo.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waly.command.Value;
import io.waly.command.Value.Kind;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import org.bson.BsonBinarySubType;
import org.bson.BsonValue;
import org.bson.UuidRepresentation;
import org.junit.jupiter.api.Test;

class TypesTest {

    static BsonValue b(Object v, String type) {
        Value val = v instanceof Value x ? x : v instanceof String s ? Value.text(s) : v instanceof Long l ? Value.int8(l)
                : v instanceof BigDecimal d ? Value.numeric(d) : Value.float8((Double) v);
        return Types.toBson(val, ColumnType.parse(type), ZoneId.of("Europe/Paris"));
    }

    @Test
    void numbers() {
        assertThat(b(5L, "integer").isInt32()).isTrue();
        assertThat(b(5L, "bigint").isInt64()).isTrue();
        assertThat(b("42", "smallint").asInt32().getValue()).isEqualTo(42);
        assertThat(b(new BigDecimal("1.005"), "numeric(10,2)").asDecimal128().getValue().bigDecimalValue()).isEqualTo(new BigDecimal("1.01"));
        assertThat(b(new BigDecimal("123456789012345678901234567890.1234"), "numeric").asDecimal128().getValue().bigDecimalValue())
                .isEqualTo(new BigDecimal("123456789012345678901234567890.1234"));
        assertThat(b(0.1, "real").asDouble().getValue()).isEqualTo((double) 0.1f);
        assertThat(b(0.1, "double precision").asDouble().getValue()).isEqualTo(0.1);
        assertThatThrownBy(() -> b(new BigDecimal("1234567890123456789012345678901234567"), "numeric")).hasMessageContaining("34");
    }

    @Test
    void text() {
        assertThat(b("ab", "char(4)").asString().getValue()).isEqualTo("ab  ");
        assertThat(b("ab", "varchar(10)").asString().getValue()).isEqualTo("ab");
    }

    @Test
    void temporal() {
        assertThat(b("2024-03-01", "date").asDateTime().getValue()).isEqualTo(Instant.parse("2024-03-01T00:00:00Z").toEpochMilli());
        // timestamp without zone: the wall clock, stored as if UTC, truncated to the millisecond
        assertThat(b("2024-03-01 10:11:12.345678", "timestamp").asDateTime().getValue())
                .isEqualTo(Instant.parse("2024-03-01T10:11:12.345Z").toEpochMilli());
        // timestamptz without offset: read in the session's zone (Paris, UTC+1 in March)
        assertThat(b("2024-03-01 10:00:00", "timestamptz").asDateTime().getValue()).isEqualTo(Instant.parse("2024-03-01T09:00:00Z").toEpochMilli());
        assertThat(b("2024-03-01 10:00:00+05:30", "timestamptz").asDateTime().getValue()).isEqualTo(Instant.parse("2024-03-01T04:30:00Z").toEpochMilli());
        assertThat(b(new Value(Kind.TIMESTAMP, "2024-03-01T10:00:00.000000", "tz:America/New_York"), "timestamptz").asDateTime().getValue())
                .isEqualTo(Instant.parse("2024-03-01T15:00:00Z").toEpochMilli());
        assertThat(b("infinity", "timestamptz").asDateTime().getValue()).isEqualTo(Long.MAX_VALUE);
        assertThat(b("12:34:56", "time").asString().getValue()).isEqualTo("12:34:56");
    }

    @Test
    void binaryUuidJsonArrays() {
        UUID u = UUID.randomUUID();
        BsonValue uv = b(u.toString(), "uuid");
        assertThat(uv.asBinary().getType()).isEqualTo(BsonBinarySubType.UUID_STANDARD.getValue());
        assertThat(uv.asBinary().asUuid(UuidRepresentation.STANDARD)).isEqualTo(u);
        assertThat(b("\\x0aff", "bytea").asBinary().getData()).containsExactly(0x0a, 0xff);
        assertThat(b("{\"a\": [1, 2.50, \"x\"], \"$date\": null}", "jsonb").asDocument().toJson())
                .isEqualTo("{\"a\": [1, {\"$numberDecimal\": \"2.50\"}, \"x\"], \"$date\": null}");
        assertThat(b("{1,2,NULL}", "int[]").asArray()).hasSize(3);
        assertThat(b(Value.array(List.of(Value.text("a b"), Value.NULL), "text"), "text[]").asArray().get(0).asString().getValue()).isEqualTo("a b");
    }

    @Test
    void readBack() {
        assertThat(Types.fromBson(b("2024-03-01 10:11:12", "timestamp"), ColumnType.parse("timestamp")).value()).isEqualTo("2024-03-01T10:11:12.000000");
        assertThat(Types.fromBson(b(new BigDecimal("2.50"), "numeric"), ColumnType.parse("numeric")).value()).isEqualTo(new BigDecimal("2.50"));
    }
}
