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
        Payloads.Statement prev = null;
        for (int i = 0; i < 5; i++) {
            Command cmd = i == 2 ? new Command.Sql("OTHER") : INSERT;
            String sql = i == 2 ? "SELECT f()" : "INSERT INTO s.t (a, b) VALUES (?, ?)";
            byte[] bytes = statement(sql, cmd, i).encode();
            Payloads.Statement streamed = Payloads.Statement.decode(bytes, prev);
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
            prev = streamed;
        }
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
        Payloads.Statement s = Payloads.Statement.decode(bytes, statement("x", INSERT, 1));
        assertThat(s.sql()).isEqualTo("DELETE FROM t");
        assertThat(s.command()).isEqualTo(new Command.Sql("DELETE"));
        assertThat(s.params()).isEmpty();
        assertThat(s.prepared()).isFalse();
    }
}
