package io.waly.log.payload;

import static org.assertj.core.api.Assertions.assertThat;

import io.waly.command.Command;
import io.waly.command.Expr;
import io.waly.command.Value;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Replay's streaming decode of statements gives exactly what the full decode gives. */
class StreamingDecodeTest {

    private static final Command INSERT = new Command.Insert(new Command.Table("s", "t"), List.of("a", "b"),
            List.of(List.of(new Expr.Param(1), new Expr.Param(2))), null, null);

    private static Payloads.Statement statement(String sql, Command cmd, int i) {
        return new Payloads.Statement(sql, List.of(Value.int8(i), Value.bytes(new byte[] {(byte) i})), new int[] {0, -2}, cmd,
                i % 2 == 0, i, i == 3 ? new byte[] {9} : null, 7, true);
    }

    @Test
    void sameSqlReusesTheCommandAndEverythingElseIsDecoded() {
        Payloads.Statement.Decoder decoder = new Payloads.Statement.Decoder();
        for (int i = 0; i < 6; i++) {
            // the same SQL text may carry another command (a writer may log what it likes): bytes decide, not text
            Command cmd = i == 2 ? new Command.Sql("OTHER") : i == 5 ? new Command.Sql("SAME SQL, OTHER COMMAND") : INSERT;
            String sql = i == 2 ? "SELECT f()" : "INSERT INTO s.t (a, b) VALUES (?, ?)";
            byte[] bytes = statement(sql, cmd, i).encode();
            Payloads.Statement streamed = decoder.decode(bytes);
            Payloads.Statement full = Payloads.Statement.decode(bytes);
            assertThat(streamed.sql()).isEqualTo(full.sql());
            assertThat(streamed.params()).isEqualTo(full.params());
            assertThat(streamed.jdbcTypes()).isEqualTo(full.jdbcTypes());
            assertThat(streamed.command()).isEqualTo(full.command());
            assertThat(streamed.autocommit()).isEqualTo(full.autocommit());
            assertThat(streamed.batchIndex()).isEqualTo(full.batchIndex());
            assertThat(streamed.copyData()).isEqualTo(full.copyData());
            assertThat(streamed.connection()).isEqualTo(full.connection());
            assertThat(streamed.prepared()).isEqualTo(full.prepared());
        }
    }

    /** Parameters of every kind, typed and not, nested arrays, and shapes a writer should not make but a reader must take. */
    @Test
    void everyKindOfParameterDecodesAsTheFullDecodeHasIt() {
        List<Value> params = new java.util.ArrayList<>(List.of(Value.NULL, Value.nullOf("int4"), Value.bool(true),
                Value.int4(-7), Value.int8(Long.MIN_VALUE), new Value(Value.Kind.INT2, 3L, null), Value.float8(2.5),
                new Value(Value.Kind.FLOAT4, 1.5, null), Value.numeric(new java.math.BigDecimal("123.4500")),
                new Value(Value.Kind.NUMERIC, "NaN", null), Value.text("é \u0000?"), Value.bytes(new byte[] {0, -1}),
                Value.of(Value.Kind.DATE, "2024-05-01"), Value.of(Value.Kind.TIMESTAMPTZ, "2024-05-01T10:00:00.123457Z"),
                new Value(Value.Kind.TIMESTAMP, "2024-05-01T10:00:00", "tz:Europe/Paris"), Value.of(Value.Kind.UUID,
                        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), new Value(Value.Kind.JSON, "{\"a\": 1}", "jsonb"),
                new Value(Value.Kind.OTHER, "a=>1", "hstore"), Value.array(List.of(Value.int4(1), Value.NULL,
                        Value.array(List.of(Value.text("x")), "text")), "int4")));
        byte[] bytes = new Payloads.Statement("INSERT", params, new int[params.size()], INSERT, false, -1, null, 1, true).encode();
        assertThat(new Payloads.Statement.Decoder().decode(bytes).params()).isEqualTo(Payloads.Statement.decode(bytes).params())
                .isEqualTo(params);

        byte[] odd = Cbor.encode(g -> {
            g.writeStartObject();
            g.writeFieldName("params");
            g.writeStartArray();
            g.writeStartArray();                 // empty: NULL
            g.writeEndArray();
            g.writeString("not an array");       // NULL
            g.writeStartObject();                // NULL
            g.writeNumberField("k", 1);
            g.writeEndObject();
            g.writeStartArray();                 // an unknown tag: OTHER, the tag its type; a fourth element skipped
            g.writeString("ltree");
            g.writeString("a.b");
            g.writeNull();
            g.writeStartArray();
            g.writeNumber(1);
            g.writeEndArray();
            g.writeEndArray();
            g.writeStartArray();                 // a tag alone: no value
            g.writeString("text");
            g.writeEndArray();
            g.writeEndArray();
            g.writeStringField("sql", "after the parameters");
            g.writeEndObject();
        });
        Payloads.Statement streamed = new Payloads.Statement.Decoder().decode(odd);
        assertThat(streamed.params()).isEqualTo(Payloads.Statement.decode(odd).params()).hasSize(5);
        assertThat(streamed.params().get(3)).isEqualTo(new Value(Value.Kind.OTHER, "a.b", "ltree"));
        assertThat(streamed.sql()).isEqualTo("after the parameters");
    }

    @Test
    void fieldsOfANewerWriterAreSkipped() {
        byte[] bytes = Cbor.encode(g -> {
            g.writeStartObject();
            g.writeStringField("sql", "DELETE FROM t");
            g.writeFieldName("futureField");
            g.writeStartObject();
            g.writeArrayFieldStart("nested");
            g.writeNumber(1);
            g.writeEndArray();
            g.writeEndObject();
            g.writeFieldName("command");
            CommandCodec.write(g, new Command.Sql("DELETE"));
            g.writeEndObject();
        });
        Payloads.Statement.Decoder decoder = new Payloads.Statement.Decoder();
        decoder.decode(statement("x", INSERT, 1).encode());
        Payloads.Statement s = decoder.decode(bytes);
        assertThat(s.sql()).isEqualTo("DELETE FROM t");
        assertThat(s.command()).isEqualTo(new Command.Sql("DELETE"));
        assertThat(s.params()).isEmpty();
        assertThat(s.prepared()).isFalse();
    }
}
