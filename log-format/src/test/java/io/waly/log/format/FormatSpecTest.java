package io.waly.log.format;

import static org.assertj.core.api.Assertions.*;

import io.waly.command.Command;
import io.waly.command.Expr;
import io.waly.command.Value;
import io.waly.log.Durability;
import io.waly.log.LogConfig;
import io.waly.log.payload.Cbor;
import io.waly.log.payload.CommandCodec;
import io.waly.log.payload.Payloads;
import io.waly.log.payload.ValueCodec;
import io.waly.log.testing.Logs;
import io.waly.log.write.LogWriter;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FORMAT.md describes exactly what the code writes: this test encodes segments from the document's rules alone — its
 * own CRC32C, its own CBOR, no constant from {@code LogFormat} — and compares them byte for byte with the writer's.
 * The only inputs taken from the written file are the ones the writer chooses freely: the log id and the clock.
 */
class FormatSpecTest {
    @TempDir Path dir;

    // ------------------------------------------------------------ the independent encoder (FORMAT.md §2–§4)

    /** CRC32C as FORMAT.md §3.2 defines it: reflected 0x82F63B78, init and final XOR 0xFFFFFFFF. */
    static int crc32c(byte[] b, int from, int to) {
        int c = 0xFFFFFFFF;
        for (int i = from; i < to; i++) {
            c ^= b[i] & 0xff;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >>> 1) ^ 0x82F63B78 : c >>> 1;
        }
        return ~c;
    }

    static byte[] header(byte[] logId, long firstSeq, long created, byte[] prevHash) {
        ByteBuffer b = ByteBuffer.allocate(96);  // big-endian by default
        b.put("WALYLOG\0".getBytes(StandardCharsets.US_ASCII));
        b.putShort((short) 1).putShort((short) 96).putInt(0);
        b.put(logId).putLong(firstSeq).putLong(created).put(prevHash);
        b.put(new byte[12]);
        b.putInt(crc32c(b.array(), 0, 92));
        return b.array();
    }

    /** Returns the record; {@code chain} holds the previous hash on entry and this record's hash on return. */
    static byte[] record(long seq, long micros, long txId, int kind, byte[] payload, byte[] chain) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(66 + payload.length);
        b.putInt(payload.length).putInt(0).putLong(seq).putLong(micros).putLong(txId).put((byte) kind).put((byte) 0).put(payload);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(chain);
        sha.update(b.array(), 8, 26 + payload.length);
        byte[] hash = sha.digest();
        b.put(hash);
        b.putInt(4, crc32c(b.array(), 8, b.capacity()));
        System.arraycopy(hash, 0, chain, 0, 32);
        return b.array();
    }

    /** The CBOR of §3.4: indefinite maps, definite text, shortest ints. */
    static final class MiniCbor {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        MiniCbor head(int major, long n) {
            if (n < 24) out.write(major << 5 | (int) n);
            else if (n < 0x100) { out.write(major << 5 | 24); out.write((int) n); }
            else if (n < 0x10000) { out.write(major << 5 | 25); out.write((int) (n >> 8)); out.write((int) n); }
            else if (n <= 0xFFFFFFFFL) { out.write(major << 5 | 26); for (int s = 24; s >= 0; s -= 8) out.write((int) (n >> s)); }
            else { out.write(major << 5 | 27); for (int s = 56; s >= 0; s -= 8) out.write((int) (n >> s)); }
            return this;
        }

        MiniCbor map() { out.write(0xbf); return this; }
        MiniCbor array() { out.write(0x9f); return this; }
        MiniCbor array(int n) { return head(4, n); }
        MiniCbor end() { out.write(0xff); return this; }
        MiniCbor uint(long v) { return head(0, v); }
        MiniCbor neg(long v) { return head(1, -1 - v); }
        MiniCbor bool(boolean b) { out.write(b ? 0xf5 : 0xf4); return this; }
        MiniCbor nul() { out.write(0xf6); return this; }
        MiniCbor text(String s) {
            byte[] u = s.getBytes(StandardCharsets.UTF_8);
            head(3, u.length);
            out.writeBytes(u);
            return this;
        }
        byte[] bytes() { return out.toByteArray(); }
    }

    // ------------------------------------------------------------ the tests

    @Test
    void workedExampleInFormatMdIsWhatTheSpecSays() throws Exception {
        String doc = Files.readString(Path.of("FORMAT.md"));
        String block = doc.substring(doc.indexOf("<!-- worked-example:begin -->"), doc.indexOf("<!-- worked-example:end -->"));
        StringBuilder hex = new StringBuilder();
        for (String line : block.split("\n")) {
            if (line.matches("[0-9a-f]{4}  .*")) hex.append(line.substring(6).replace(" ", ""));
        }
        byte[] payload = new MiniCbor().map().text("dbTxid").uint(42).end().bytes();
        byte[] expected = record(1, 1_700_000_000_000_000L, 1, 7, payload, new byte[32]);
        assertThat(hex.toString()).isEqualTo(HexFormat.of().formatHex(expected));
        assertThat(new Payloads.Commit(42).encode()).isEqualTo(payload);
        assertThat(crc32c("123456789".getBytes(StandardCharsets.US_ASCII), 0, 9)).isEqualTo(0xE3069283);
    }

    @Test
    void writerProducesExactlyTheSpecifiedBytes() throws Exception {
        byte[] commit = new MiniCbor().map().text("dbTxid").uint(42).end().bytes();
        byte[] savepoint = new MiniCbor().map().text("name").text("s1").end().bytes();
        byte[] empty = new byte[0];
        try (LogWriter w = LogWriter.open(LogConfig.at(dir).withDurability(Durability.NONE))) {
            long begin = w.append(RecordKind.BEGIN, LogWriter.OWN_SEQ, new Payloads.Begin(1, 900, false, null, false).encode());
            w.append(RecordKind.SAVEPOINT, begin, new Payloads.Savepoint("s1").encode());
            w.append(RecordKind.COMMIT, begin, new Payloads.Commit(42).encode());
            w.append(RecordKind.CLOSED, 0, empty);
        }
        Path seg = dir.resolve("00000000000000000001.wal");
        byte[] actual = Files.readAllBytes(seg);
        byte[] logId = Arrays.copyOfRange(actual, 16, 32);
        long created = ByteBuffer.wrap(actual).getLong(40);

        byte[] beginPayload = new MiniCbor().map().text("conn").uint(1).text("dbTxid").uint(900).end().bytes();
        byte[][] payloads = {beginPayload, savepoint, commit, empty};
        int[] kinds = {1, 4, 7, 11};
        long[] tx = {1, 1, 1, 0};
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(header(logId, 1, created, new byte[32]));
        byte[] chain = new byte[32];
        int at = 96;
        for (int i = 0; i < 4; i++) {
            long micros = ByteBuffer.wrap(actual).getLong(at + 16);
            assertThat(micros).isGreaterThanOrEqualTo(created);
            byte[] rec = record(i + 1, micros, tx[i], kinds[i], payloads[i], chain);
            expected.writeBytes(rec);
            at += rec.length;
        }
        assertThat(HexFormat.of().formatHex(actual)).isEqualTo(HexFormat.of().formatHex(expected.toByteArray()));
    }

    @Test
    void nextSegmentHeaderCarriesTheChainAcrossTheBoundary() throws Exception {
        try (LogWriter w = LogWriter.open(LogConfig.at(dir).withDurability(Durability.NONE).withSegmentBytes(4096))) {
            w.append(RecordKind.STATEMENT, 1, new byte[3000]);
            w.append(RecordKind.STATEMENT, 1, new byte[3000]);  // does not fit: a new segment, named for seq 2
        }
        byte[] first = Files.readAllBytes(dir.resolve("00000000000000000001.wal"));
        byte[] second = Files.readAllBytes(dir.resolve("00000000000000000002.wal"));
        byte[] chain = new byte[32];
        long t1 = ByteBuffer.wrap(first).getLong(96 + 16);
        byte[] rec1 = record(1, t1, 1, 2, new byte[3000], chain);
        assertThat(Arrays.copyOfRange(first, 96, first.length)).isEqualTo(rec1);
        byte[] logId = Arrays.copyOfRange(first, 16, 32);
        long created2 = ByteBuffer.wrap(second).getLong(40);
        assertThat(created2).isGreaterThanOrEqualTo(t1);
        assertThat(Arrays.copyOfRange(second, 0, 96)).isEqualTo(header(logId, 2, created2, chain));
        long t2 = ByteBuffer.wrap(second).getLong(96 + 16);
        assertThat(Arrays.copyOfRange(second, 96, second.length)).isEqualTo(record(2, t2, 1, 2, new byte[3000], chain));
        assertThat(Logs.readAll(dir).get(1).hash()).isEqualTo(chain);
    }

    @Test
    void cborFormsAreTheDocumentedOnes() {
        // a Value: definite array [tag, value]
        assertThat(Cbor.encode(g -> ValueCodec.write(g, Value.int4(5))))
                .isEqualTo(new MiniCbor().array(2).text("int4").uint(5).bytes());
        assertThat(Cbor.encode(g -> ValueCodec.write(g, new Value(Value.Kind.OTHER, "x", "hstore"))))
                .isEqualTo(new MiniCbor().array(3).text("other").text("x").text("hstore").bytes());
        // an expression: indefinite array, tag first
        assertThat(Cbor.encode(g -> CommandCodec.writeExpr(g, new Expr.Param(1))))
                .isEqualTo(new MiniCbor().array().text("param").uint(1).end().bytes());
        // integers beyond 32 bits take 8 bytes; doubles are 0xfb + 8 bytes; numeric is plain text
        assertThat(Cbor.encode(g -> ValueCodec.write(g, Value.int8(1L << 40))))
                .isEqualTo(new MiniCbor().array(2).text("int8").head(0, 1L << 40).bytes());
        byte[] dbl = Cbor.encode(g -> ValueCodec.write(g, Value.float8(1.5)));
        assertThat(HexFormat.of().formatHex(dbl)).isEqualTo("8266666c6f617438fb3ff8000000000000");
        assertThat(Cbor.encode(g -> ValueCodec.write(g, Value.numeric(new java.math.BigDecimal("1E+3")))))
                .isEqualTo(new MiniCbor().array(2).text("numeric").text("1000").bytes());
        // string lists are definite arrays; a command is an indefinite map
        byte[] trunc = Cbor.encode(g -> CommandCodec.write(g, new io.waly.command.Command.Sql("SET")));
        assertThat(trunc).isEqualTo(new MiniCbor().map().text("type").text("sql").text("kind").text("SET").end().bytes());
        // typed DDL and settings as §3.7 lists their fields: Tables and expressions indefinite, string lists definite
        Command create = new Command.Ddl.CreateTable(new Command.Table(null, "t"),
                List.of(new Command.Ddl.ColumnDef("id", "int", true, new Expr.Literal(Value.int4(0)), null, null)),
                List.of(new Command.Ddl.PrimaryKey(null, List.of("id"))), true, null, null);
        assertThat(Cbor.encode(g -> CommandCodec.write(g, create))).isEqualTo(new MiniCbor().map()
                .text("type").text("createTable").text("table").array().nul().text("t").end()
                .text("columns").array().map().text("name").text("id").text("type").text("int").text("notNull").bool(true)
                .text("defaultValue").array().text("lit").array(2).text("int4").uint(0).end().end().end()
                .text("constraints").array().map().text("kind").text("primaryKey").text("columns").array(1).text("id").end().end()
                .text("ifNotExists").bool(true).end().bytes());
        Command alter = new Command.Ddl.AlterTable(new Command.Table("s", "t"), false,
                List.of(new Command.Ddl.SetDefault("c", new Expr.Literal(Value.int4(-1)))));
        assertThat(Cbor.encode(g -> CommandCodec.write(g, alter))).isEqualTo(new MiniCbor().map()
                .text("type").text("alterTable").text("table").array().text("s").text("t").end()
                .text("actions").array().map().text("action").text("setDefault").text("column").text("c")
                .text("value").array().text("lit").array(2).text("int4").neg(-1).end().end().end().end().bytes());
        assertThat(Cbor.encode(g -> CommandCodec.write(g, new Command.Setting("timezone", "UTC", true)))).isEqualTo(new MiniCbor().map()
                .text("type").text("setting").text("name").text("timezone").text("value").text("UTC").text("local").bool(true).end().bytes());
        byte[] st = new Payloads.Statement("x", List.of(), null, null, false, -1, null, 0).encode();
        assertThat(st).isEqualTo(new MiniCbor().map().text("schemaVersion").uint(1).text("conn").uint(0).text("sql").text("x").end().bytes());
    }
}
