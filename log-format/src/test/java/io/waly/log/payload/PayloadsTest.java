package io.waly.log.payload;

import static org.assertj.core.api.Assertions.*;

import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import io.waly.command.Command;
import io.waly.command.Expr;
import io.waly.command.Value;
import io.waly.log.format.RecordKind;
import io.waly.log.payload.Payloads.*;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PayloadsTest {

    static final Command INSERT = new Command.Insert(new Command.Table(null, "t"), List.of("a", "b"),
            List.of(List.of(new Expr.Param(1), new Expr.Param(2))), null, null);

    @Test
    void everyPayloadRoundTrips() {
        Begin begin = new Begin(3, 777, true, "serializable", true);
        assertThat(Begin.decode(begin.encode())).isEqualTo(begin);
        assertThat(Begin.decode(new Begin(1, -1, false, null, false).encode())).isEqualTo(new Begin(1, -1, false, null, false));
        Begin versioned = new Begin(2, -1, false, null, false, "2.4.1", "V3");   // the versions it was written under
        assertThat(Begin.decode(versioned.encode())).isEqualTo(versioned);

        Statement st = new Statement("INSERT INTO t(a,b) VALUES (?,?)", List.of(Value.int4(1), Value.text("x")),
                new int[] {4, 12}, INSERT, true, 2, new byte[] {1, 2, 3}, 9);
        Statement back = Statement.decode(st.encode());
        assertThat(back.sql()).isEqualTo(st.sql());
        assertThat(back.params()).isEqualTo(st.params());
        assertThat(back.jdbcTypes()).containsExactly(4, 12);
        assertThat(back.command()).isEqualTo(INSERT);
        assertThat(back.autocommit()).isTrue();
        assertThat(back.batchIndex()).isEqualTo(2);
        assertThat(back.copyData()).containsExactly(1, 2, 3);
        assertThat(back.connection()).isEqualTo(9);
        assertThat(back.schemaVersion()).isEqualTo(Payloads.SCHEMA_VERSION);

        Outcome ok = Outcome.ok(5, new long[] {1, 0, 3}, List.of(new Effect(Effect.ROWS, "public.t", List.of("id", "at"),
                List.of(List.of(Value.int8(1), Value.of(Value.Kind.TIMESTAMPTZ, "2024-01-01T00:00:00Z")))),
                new Effect(Effect.SEQUENCE, "t_id_seq", List.of("last_value"), List.of(List.of(Value.int8(42))))));
        Outcome okBack = Outcome.decode(ok.encode());
        assertThat(okBack.statementSeq()).isEqualTo(5);
        assertThat(okBack.ok()).isTrue();
        assertThat(okBack.counts()).containsExactly(1, 0, 3);
        assertThat(okBack.effects()).isEqualTo(ok.effects());
        Outcome err = Outcome.error(6, "23505", "duplicate key");
        Outcome errBack = Outcome.decode(err.encode());
        assertThat(errBack.ok()).isFalse();
        assertThat(errBack.counts()).isNull();
        assertThat(errBack.sqlState()).isEqualTo("23505");
        assertThat(errBack.message()).isEqualTo("duplicate key");
        assertThat(errBack.effects()).isEmpty();

        assertThat(Savepoint.decode(new Savepoint("sp1").encode())).isEqualTo(new Savepoint("sp1"));
        assertThat(Commit.decode(new Commit(99).encode())).isEqualTo(new Commit(99));
        assertThat(Commit.decode(new Commit(-1).encode())).isEqualTo(new Commit(-1));
        assertThat(End.decode(End.COMMIT.encode())).isEqualTo(End.COMMIT);
        End failed = new End("commit-failed", "40001", "could not serialize");
        assertThat(End.decode(failed.encode())).isEqualTo(failed);
        Info info = new Info(Map.of("driver", "0.1.0", "pid", "123"));
        assertThat(Info.decode(info.encode()).facts()).isEqualTo(info.facts());
        Session s = new Session(4, Map.of("search_path", "app, public", "TimeZone", "UTC"));
        assertThat(Session.decode(s.encode())).isEqualTo(s);
    }

    @Test
    void appCommandRoundTripsWithItsArgumentsInOrder() {
        Map<String, Value> args = new java.util.LinkedHashMap<>();
        args.put("plan", Value.text("pro"));
        args.put("email", Value.text("a@example.com"));
        args.put("credit", Value.NULL);
        Payloads.AppCommand c = new Payloads.AppCommand(7, "CREATE_ACCOUNT", args, Payloads.AppCommand.CALLED, 2, "3f2a00000000");
        Payloads.AppCommand back = Payloads.AppCommand.decode(c.encode());
        assertThat(back).isEqualTo(c);
        assertThat(back.args().keySet()).containsExactly("plan", "email", "credit");
        assertThat(RecordKind.of((byte) 15)).isEqualTo(RecordKind.COMMAND);
    }

    @Test
    void mappedKeepsTheApplicationsStatementWithTheVersions() {
        Statement original = new Statement("INSERT INTO cars (name, production_year) VALUES (?, ?)",
                List.of(Value.text("2CV"), Value.int4(1948)), new int[] {12, 4}, INSERT, true, -1, null, 3, true);
        Mapped m = new Mapped(3, "1", "2", "3f2a00000000", original);
        Mapped back = Mapped.decode(m.encode());
        assertThat(back.connection()).isEqualTo(3);
        assertThat(back.from()).isEqualTo("1");
        assertThat(back.to()).isEqualTo("2");
        assertThat(back.model()).isEqualTo("3f2a00000000");
        assertThat(back.original().sql()).isEqualTo(original.sql());
        assertThat(back.original().params()).isEqualTo(original.params());
        assertThat(back.original().jdbcTypes()).containsExactly(12, 4);
        assertThat(back.original().command()).isEqualTo(INSERT);
        assertThat(back.original().prepared()).isTrue();
        assertThat(RecordKind.of((byte) 16)).isEqualTo(RecordKind.MAPPED);
    }

    /** A payload written by a newer writer: fields, command fields, expression and value elements this reader does not know. */
    @Test
    void newerPayloadWithUnknownFieldsStillReads() throws IOException {
        byte[] p = cbor(g -> {
            g.writeStartObject();
            g.writeNumberField("schemaVersion", 7);
            g.writeStringField("futureFirst", "x");
            g.writeNumberField("conn", 2);
            g.writeStringField("sql", "UPDATE t SET a = ? WHERE id = 1");
            g.writeFieldName("params");
            g.writeStartArray();
            g.writeStartArray();
            g.writeString("int4");
            g.writeNumber(5);
            g.writeString("int4");
            g.writeString("future element");
            g.writeEndArray();
            g.writeEndArray();
            g.writeFieldName("command");
            g.writeStartObject();
            g.writeStringField("type", "update");
            g.writeFieldName("table");
            g.writeStartArray();
            g.writeNull();
            g.writeString("t");
            g.writeEndArray();
            g.writeFieldName("futureCommandField");
            g.writeStartObject();
            g.writeFieldName("deep");
            g.writeStartArray();
            g.writeNumber(1.5);
            g.writeBinary(new byte[] {9});
            g.writeEndArray();
            g.writeEndObject();
            g.writeFieldName("where");
            g.writeStartArray();
            g.writeString("cmp");
            g.writeString("=");
            g.writeStartArray();
            g.writeString("col");
            g.writeNull();
            g.writeString("id");
            g.writeString("future element");
            g.writeEndArray();
            g.writeStartArray();
            g.writeString("lit");
            g.writeStartArray();
            g.writeString("int4");
            g.writeNumber(1);
            g.writeEndArray();
            g.writeEndArray();
            g.writeEndArray();
            g.writeEndObject();
            g.writeFieldName("futureLast");
            g.writeStartArray();
            g.writeNumber(1);
            g.writeEndArray();
            g.writeEndObject();
        });
        Statement st = Statement.decode(p);
        assertThat(st.schemaVersion()).isEqualTo(7);
        assertThat(st.connection()).isEqualTo(2);
        assertThat(st.sql()).isEqualTo("UPDATE t SET a = ? WHERE id = 1");
        assertThat(st.params()).containsExactly(new Value(Value.Kind.INT4, 5L, "int4"));
        assertThat(st.command()).isEqualTo(new Command.Update(new Command.Table(null, "t"), null,
                new Expr.Compare("=", new Expr.Column(null, "id"), new Expr.Literal(Value.int4(1))), null, null));

        // kinds a newer writer may add: they read as something safe, never as an error
        byte[] unknownKinds = cbor(g -> {
            g.writeStartObject();
            g.writeStringField("sql", "FUTURE STATEMENT");
            g.writeFieldName("params");
            g.writeStartArray();
            g.writeStartArray();
            g.writeString("money");
            g.writeString("$1.00");
            g.writeEndArray();
            g.writeEndArray();
            g.writeFieldName("command");
            g.writeStartObject();
            g.writeStringField("type", "vacuum");
            g.writeEndObject();
            g.writeEndObject();
        });
        Statement u = Statement.decode(unknownKinds);
        assertThat(u.params()).containsExactly(new Value(Value.Kind.OTHER, "$1.00", "money"));
        assertThat(u.command()).isEqualTo(new Command.Sql("UNKNOWN:vacuum"));
        assertThat(CommandCodec.readExpr(Cbor.decode(cbor(g -> {
            g.writeStartArray();
            g.writeString("window");
            g.writeString("x");
            g.writeEndArray();
        })))).isInstanceOf(Expr.Raw.class);
    }

    /** A payload written by an older writer, or with every optional field left out: defaults, no error. */
    @Test
    void olderPayloadMissingOptionalFieldsReadsWithDefaults() throws IOException {
        Statement st = Statement.decode(cbor(g -> {
            g.writeStartObject();
            g.writeStringField("sql", "DELETE FROM t");
            g.writeEndObject();
        }));
        assertThat(st.sql()).isEqualTo("DELETE FROM t");
        assertThat(st.params()).isEmpty();
        assertThat(st.jdbcTypes()).isEmpty();
        assertThat(st.command()).isEqualTo(new Command.Sql("UNPARSED"));
        assertThat(st.autocommit()).isFalse();
        assertThat(st.batchIndex()).isEqualTo(-1);
        assertThat(st.copyData()).isNull();
        assertThat(st.connection()).isZero();
        assertThat(st.schemaVersion()).isEqualTo(1);

        byte[] empty = cbor(g -> {
            g.writeStartObject();
            g.writeEndObject();
        });
        assertThat(Begin.decode(empty)).isEqualTo(new Begin(0, -1, false, null, false));
        assertThat(Begin.decode(empty).appVersion()).isNull();   // a log from before versions: written under none known
        assertThat(Begin.decode(empty).dbVersion()).isNull();
        assertThat(Commit.decode(empty)).isEqualTo(new Commit(-1));
        assertThat(End.decode(empty)).isEqualTo(new End(null, null, null));
        assertThat(Savepoint.decode(empty)).isEqualTo(new Savepoint(null));
        assertThat(Session.decode(empty)).isEqualTo(new Session(0, Map.of()));
        Outcome o = Outcome.decode(empty);
        assertThat(o.ok()).isFalse();
        assertThat(o.counts()).isNull();
        assertThat(o.effects()).isEmpty();
        // an empty payload (zero bytes) is an empty map
        assertThat(Commit.decode(new byte[0])).isEqualTo(new Commit(-1));
        // a command with only its type
        assertThat(CommandCodec.read(Cbor.decode(cbor(g -> {
            g.writeStartObject();
            g.writeStringField("type", "insert");
            g.writeEndObject();
        })))).isEqualTo(new Command.Insert(null, null, null, null, null));
    }

    @Test
    void rendersAsJson() {
        Statement st = new Statement("INSERT INTO t(a,b) VALUES (?,?)", List.of(Value.int4(1), Value.bytes(new byte[] {1, 2})),
                new int[] {4, -2}, INSERT, false, -1, null, 1);
        StringWriter out = new StringWriter();
        Cbor.toJson(st.encode(), out, false);
        assertThat(out.toString()).isEqualTo("{\"schemaVersion\":1,\"conn\":1,\"sql\":\"INSERT INTO t(a,b) VALUES (?,?)\","
                + "\"params\":[[\"int4\",1],[\"bytea\",\"" + Base64.getEncoder().encodeToString(new byte[] {1, 2}) + "\"]],"
                + "\"jdbcTypes\":[4,-2],\"command\":{\"type\":\"insert\",\"table\":[null,\"t\"],\"columns\":[\"a\",\"b\"],"
                + "\"rows\":[[[\"param\",1],[\"param\",2]]]},\"prepared\":true}");
        StringWriter pretty = new StringWriter();
        Cbor.toJson(new Commit(5).encode(), pretty, true);
        assertThat(pretty.toString()).isEqualTo("{\n  \"dbTxid\" : 5\n}");
    }

    @Test
    void decodesIntoPlainJavaValues() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("stmt", 5L);
        expected.put("ok", true);
        expected.put("counts", List.of(1L));
        assertThat(Cbor.decode(Outcome.ok(5, new long[] {1}, List.of()).encode())).isEqualTo(expected);
        assertThatThrownBy(() -> Cbor.decode(new byte[] {(byte) 0xbf, 0x61})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not valid CBOR");
    }

    interface Body {
        void write(CBORGenerator g) throws IOException;
    }

    /** Builds CBOR with the generator directly, as another writer (older, newer, another language) would. */
    static byte[] cbor(Body body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CBORGenerator g = new CBORFactory().createGenerator(out)) {
            body.write(g);
        }
        return out.toByteArray();
    }
}
