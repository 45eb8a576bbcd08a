package io.waly.log.payload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waly.command.Command;
import io.waly.command.Expr;
import io.waly.command.Value;
import java.util.List;
import org.junit.jupiter.api.Test;

/** STATEMENT records with their SQL and command spliced in encoded, and the per-thread generator behind every payload. */
class RepeatedPartsEncodingTest {

    private static final Command UPDATE = new Command.Update(new Command.Table(null, "accounts"),
            List.of(new Command.Assignment("abalance", new Expr.Arith("+", new Expr.Column(null, "abalance"), new Expr.Param(1)))),
            new Expr.Compare("=", new Expr.Column(null, "aid"), new Expr.Param(2)), List.of(), null);

    private static Payloads.Statement statement(String sql, Command command) {
        return new Payloads.Statement(sql, List.of(Value.int4(-5), Value.int4(17)), new int[] {4, 4}, command, false, -1, null, 1, true);
    }

    @Test
    void textsOfEverySizeAndPlaneSpliceToTheSameBytes() {
        String[] texts = {"", "UPDATE accounts SET abalance = abalance + ? WHERE aid = ?", "é".repeat(40),
                "\uD83D\uDE00 plane 1, \uDB40\uDC01 plane 14, \u4E2D\u6587", "lone \uD800 surrogate",
                "x".repeat(23), "x".repeat(24), "x".repeat(255), "x".repeat(256), "y".repeat(65_535), "y".repeat(65_536),
                "z".repeat(3_000_000)};
        for (String sql : texts) {
            for (Command c : new Command[] {UPDATE, null, new Command.Sql("UNPARSED")}) {
                Payloads.Statement st = statement(sql, c);
                byte[] spliced = st.encode(new Payloads.Statement.Repeated(sql, c));
                assertThat(spliced).isEqualTo(st.encode());
                assertThat(Payloads.Statement.decode(spliced).sql()).isEqualTo(Cbor.text(sql));
            }
        }
    }

    @Test
    void partsOfAnotherStatementAreNotUsed() {
        Payloads.Statement.Repeated parts = new Payloads.Statement.Repeated("UPDATE a SET x = ?", UPDATE);
        Payloads.Statement otherText = statement("UPDATE b SET x = ?", UPDATE);
        Payloads.Statement otherCommand = statement("UPDATE a SET x = ?", new Command.Sql("UPDATE a SET x = ?"));
        assertThat(Payloads.Statement.decode(otherText.encode(parts)).sql()).isEqualTo("UPDATE b SET x = ?");
        assertThat(otherText.encode(parts)).isEqualTo(otherText.encode());
        assertThat(Payloads.Statement.decode(otherCommand.encode(parts)).command()).isEqualTo(new Command.Sql("UPDATE a SET x = ?"));
    }

    @Test
    void aPayloadThatFailsHalfWayLeavesTheNextOneWhole() {
        byte[] before = statement("UPDATE a SET x = ?", UPDATE).encode();
        assertThatThrownBy(() -> Cbor.encode(g -> {
            g.writeStartObject();
            g.writeStringField("sql", "half");
            throw new IllegalStateException("boom");
        })).hasMessage("boom");
        assertThatThrownBy(() -> Cbor.encode(g -> {
            g.writeStartObject();
            g.writeEndArray();   // Jackson refuses: not in an array
        })).isInstanceOf(RuntimeException.class);
        assertThat(statement("UPDATE a SET x = ?", UPDATE).encode()).isEqualTo(before);
        assertThat(Payloads.Commit.decode(new Payloads.Commit(42).encode()).dbTxid()).isEqualTo(42);
    }

    @Test
    void everyValueOpensWithItsTagAsADefiniteTextString() {
        for (Value.Kind kind : Value.Kind.values()) {
            Object sample = switch (kind) {
                case NULL -> null;
                case BOOL -> true;
                case INT2, INT4, INT8 -> 1L;
                case FLOAT4, FLOAT8 -> 1.5;
                case NUMERIC -> java.math.BigDecimal.ONE;
                case BYTES -> new byte[] {1};
                case ARRAY -> List.of(Value.int4(1));
                default -> "x";
            };
            byte[] bytes = Cbor.encode(g -> ValueCodec.write(g, new Value(kind, sample, null)));
            byte[] tag = kind.tag.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(bytes[0]).as(kind.tag).isEqualTo((byte) 0x82);              // array of 2 (RFC 8949 major type 4)
            assertThat(bytes[1]).as(kind.tag).isEqualTo((byte) (0x60 + tag.length)); // text string of the tag's length
            assertThat(java.util.Arrays.copyOfRange(bytes, 2, 2 + tag.length)).as(kind.tag).isEqualTo(tag);
            assertThat(ValueCodec.read(Cbor.decode(bytes)).kind()).isEqualTo(kind);
        }
    }
}
