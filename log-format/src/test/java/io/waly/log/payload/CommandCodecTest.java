package io.waly.log.payload;

import static org.assertj.core.api.Assertions.*;

import io.waly.command.Command;
import io.waly.command.Command.*;
import io.waly.command.Command.Ddl.*;
import io.waly.command.Expr;
import io.waly.command.Expr.*;
import io.waly.command.Value;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every Command and Expr variant and every Value kind survives CBOR and back. */
class CommandCodecTest {

    static final Table T = new Table("public", "accounts");
    static final Expr ID = new Column(null, "id");
    static final Expr WHERE = new Compare("=", ID, new Param(1));

    static Stream<Value> values() {
        return Stream.of(
                Value.NULL, Value.nullOf("int4"), Value.bool(true), Value.bool(false),
                Value.of(Value.Kind.INT2, 7L), Value.int4(-2147483648L), Value.int8(Long.MAX_VALUE), Value.int8(Long.MIN_VALUE),
                Value.of(Value.Kind.FLOAT4, 1.5d), Value.float8(-0.1), Value.float8(Double.NaN), Value.float8(Double.POSITIVE_INFINITY),
                Value.numeric(new BigDecimal("12345678901234567890.123400")), Value.numeric(new BigDecimal("0")),
                new Value(Value.Kind.NUMERIC, "NaN", null),
                Value.text(""), Value.text("héllo ✓ \u0000 'quoted'"), Value.bytes(new byte[] {0, 1, (byte) 0xff}), Value.bytes(new byte[0]),
                Value.of(Value.Kind.DATE, "2024-02-29"), Value.of(Value.Kind.TIME, "23:59:59.999999"),
                Value.of(Value.Kind.TIMETZ, "12:00:00+02:00"), Value.of(Value.Kind.TIMESTAMP, "2024-01-01T00:00:00.000001"),
                Value.of(Value.Kind.TIMESTAMPTZ, "2024-01-01T00:00:00.000001+05:30"), Value.of(Value.Kind.TIMESTAMPTZ, "infinity"),
                new Value(Value.Kind.TIMESTAMP, "2024-01-01T00:00:00", "Europe/Paris"),
                Value.of(Value.Kind.UUID, "123e4567-e89b-12d3-a456-426614174000"), Value.of(Value.Kind.JSON, "{\"a\": [1, 2]}"),
                Value.of(Value.Kind.INTERVAL, "1 day 02:00:00"), Value.of(Value.Kind.XML, "<a/>"),
                Value.array(List.of(Value.int4(1), Value.NULL, Value.int4(3)), "int4"),
                Value.array(List.of(Value.array(List.of(Value.text("x")), "text")), "text[]"),
                Value.array(List.of(), "text"),
                new Value(Value.Kind.OTHER, "a=>1", "hstore"));
    }

    @ParameterizedTest
    @MethodSource("values")
    void valueRoundTrip(Value v) {
        byte[] cbor = Cbor.encode(g -> ValueCodec.write(g, v));
        assertThat(ValueCodec.read(Cbor.decode(cbor))).isEqualTo(v);
    }

    static Stream<Expr> exprs() {
        Expr a = new Column("a", "x"), b = new Literal(Value.int4(2));
        return Stream.of(
                new Column(null, "id"), new Column("t", "id"), new Literal(Value.text("s")), new Param(3),
                new Arith("+", a, b), new Arith("||", a, new Literal(Value.text("!"))), new Negate(a),
                new Func("now", List.of()), new Func("coalesce", List.of(a, b, new Literal(Value.NULL))),
                new Compare("<>", a, b), new And(List.of(WHERE, new Compare(">", a, b))), new Or(List.of(WHERE, WHERE)),
                new Not(WHERE), new In(a, List.of(b, new Param(1)), false), new In(a, List.of(b), true),
                new IsNull(a, false), new IsNull(a, true), new Between(a, b, new Param(2), false), new Between(a, b, b, true),
                new Like(a, new Literal(Value.text("a%")), false, false), new Like(a, b, true, false),
                new Like(a, b, false, true), new Like(a, b, true, true), new Cast(a, "numeric(10,2)"), new Default(),
                new Raw("CASE WHEN x THEN 1 ELSE 2 END"));
    }

    @ParameterizedTest
    @MethodSource("exprs")
    void exprRoundTrip(Expr e) {
        byte[] cbor = Cbor.encode(g -> CommandCodec.writeExpr(g, e));
        assertThat(CommandCodec.readExpr(Cbor.decode(cbor))).isEqualTo(e);
        // and inside a command, where it travels for real
        Command c = new Update(T, List.of(new Assignment("v", e)), e, null, null);
        assertThat(roundTrip(c)).isEqualTo(c);
    }

    static Stream<Command> commands() {
        Insert values = new Insert(T, List.of("id", "name"),
                List.of(List.of(new Param(1), new Param(2)), List.of(new Literal(Value.int8(2)), new Default())), null, List.of("id"));
        Insert select = new Insert(new Table(null, "t"), null, null, "SELECT * FROM s", null);
        return Stream.concat(Stream.of(
                values, select,
                new Upsert(values, List.of("id"), null, false, List.of(new Assignment("name", new Column("excluded", "name"))), WHERE),
                new Upsert(values, null, "accounts_pkey", true, null, null),
                new Update(T, List.of(new Assignment("n", new Arith("+", new Column(null, "n"), new Literal(Value.int4(1))))),
                        WHERE, List.of("other"), List.of("n")),
                new Update(T, List.of(), null, null, null),
                new Delete(T, WHERE, List.of("u"), List.of("*")), new Delete(new Table(null, "t"), null, null, null),
                new Merge(T, "src", new Compare("=", new Column("t", "id"), new Column("s", "id"))),
                new Truncate(List.of(T, new Table(null, "b")), true, false), new Truncate(List.of(T), false, true),
                new Copy(T, List.of("id"), new CopyOptions("csv", true, ";", "", "'", "\\", "LATIN1", List.of("id"), List.of("id"),
                        Map.of("freeze", "true")), WHERE),
                new Copy(T, null, CopyOptions.of("text"), null),
                new Call("proc", List.of(new Param(1), new Literal(Value.text("x")))), new Call("p", List.of()),
                new Setting("timezone", "Europe/Paris", false), new Setting("all", null, false), new Setting("search_path", "a, \"B\"", true),
                new SequenceSelect(List.of(new SequenceCall("nextval", new Table("public", "s"), List.of(new Literal(Value.text("public.s")))),
                        new SequenceCall("setval", null, List.of(new Param(1), new Param(2), new Literal(Value.bool(false)))),
                        new SequenceCall("lastval", null, List.of()))),
                new Sql("DO"), new Sql("GRANT")), ddl());
    }

    static Stream<Command> ddl() {
        ColumnDef id = new ColumnDef("id", "bigint", true, null, "BY DEFAULT", null);
        ColumnDef name = new ColumnDef("name", "text", false, new Literal(Value.text("x")), null, null);
        ColumnDef total = new ColumnDef("total", "numeric(10,2)", false, null, null, new Arith("*", ID, new Literal(Value.int4(2))));
        List<Constraint> constraints = List.of(new PrimaryKey(null, List.of("id")), new Unique("u", List.of("id", "name")),
                new Check("ck", new Compare(">", ID, new Literal(Value.int4(0)))),
                new ForeignKey("fk", List.of("name"), new Table("s", "other"), List.of("n"), "CASCADE", "SET NULL"),
                new ForeignKey(null, List.of("name"), new Table(null, "other"), null, null, null),
                new OtherConstraint("ex", "EXCLUDE USING gist (r WITH &&)"));
        return Stream.of(
                new CreateTable(T, List.of(id, name, total), constraints, true, null, "RANGE (id)"),
                new CreateTable(new Table(null, "t"), List.of(ColumnDef.of("a", "int")), List.of(), false, null, null),
                new CreateTable(new Table(null, "t"), null, null, false, "SELECT 1 AS x", null),
                new AlterTable(T, true, List.of(new AddColumn(name, List.of(new Unique(null, List.of("name"))), true),
                        new DropColumn("c", true, true), new RenameColumn("a", "b"), new RenameTable("u"),
                        new SetDefault("n", new Func("now", List.of())), new DropDefault("n"), new SetNotNull("n"), new DropNotNull("n"),
                        new AlterColumnType("n", "bigint", new Cast(ID, "bigint")), new AlterColumnType("n", "text", null),
                        new AddConstraint(constraints.get(3)), new DropConstraint("ck", true, false),
                        new OtherAction("OWNER TO", "OWNER TO bob"))),
                new AlterTable(new Table(null, "t"), false, List.of()),
                new Drop("TABLE", List.of(T, new Table(null, "b")), true, true),
                new Drop("MATERIALIZED VIEW", List.of(new Table(null, "mv")), false, false),
                new CreateIndex("i", T, List.of(ID, new Func("lower", List.of(new Column(null, "name")))), true,
                        new IsNull(ID, true), true),
                new CreateIndex(null, T, List.of(ID), false, null, false),
                new CreateSequence(new Table(null, "s"), new SequenceOptions("bigint", -2L, -100L, 1000L, 10L, 20L, true, "t.id", false, null), true),
                new CreateSequence(new Table(null, "s"), SequenceOptions.NONE, false),
                new AlterSequence(new Table("x", "s"), new SequenceOptions(null, null, null, null, null, null, false, "none", true, 5L), true),
                new AlterSequence(new Table("x", "s"), new SequenceOptions(null, 3L, null, null, null, null, null, null, true, null), false),
                new CreateView(new Table(null, "v"), List.of("a"), "SELECT 1", true, false),
                new CreateView(new Table(null, "mv"), null, "SELECT 2", false, true),
                new CreateType(new Table(null, "mood"), List.of("sad", "ok"), null),
                new CreateType(new Table("s", "addr"), null, "AS (street text, city text)"),
                new CreateSchema("app", true, "bob"), new CreateSchema("s", false, null),
                new OtherDdl("CREATE", "FUNCTION", List.of(new Table("s", "f"))), new OtherDdl("ALTER", "TYPE", List.of()));
    }

    /** Records of the model, sealed interfaces opened up to their variants. */
    static Stream<String> variants(Class<?> sealed) {
        return Arrays.stream(sealed.getPermittedSubclasses()).flatMap(c -> c.isSealed() ? variants(c) : Stream.of(c.getSimpleName()));
    }

    static Stream<Object> parts(Object o) {
        if (o instanceof AlterTable a) return Stream.concat(Stream.of(a), a.actions().stream().flatMap(CommandCodecTest::parts));
        if (o instanceof AddColumn a) return Stream.concat(Stream.of(a), a.constraints().stream());
        if (o instanceof AddConstraint a) return Stream.of(a, a.constraint());
        if (o instanceof CreateTable t && t.constraints() != null) return Stream.concat(Stream.of(t), t.constraints().stream());
        return Stream.of(o);
    }

    @ParameterizedTest
    @MethodSource("commands")
    void commandRoundTrip(Command c) {
        assertThat(roundTrip(c)).isEqualTo(c);
    }

    @org.junit.jupiter.api.Test
    void everyVariantIsCovered() {
        // a new variant added to the model without a test here fails this
        List<String> tested = commands().flatMap(CommandCodecTest::parts).map(c -> c.getClass().getSimpleName()).distinct().toList();
        assertThat(tested).containsAll(variants(Command.class).toList())
                .containsAll(variants(Ddl.AlterAction.class).toList()).containsAll(variants(Ddl.Constraint.class).toList());
        assertThat(Expr.class.getPermittedSubclasses()).extracting(Class::getSimpleName)
                .containsExactlyInAnyOrder(exprs().map(e -> e.getClass().getSimpleName()).distinct().toArray(String[]::new));
        List<Value.Kind> kinds = new ArrayList<>(Arrays.asList(Value.Kind.values()));
        kinds.removeAll(values().map(Value::kind).toList());
        assertThat(kinds).isEmpty();
    }

    static Command roundTrip(Command c) {
        return CommandCodec.read(Cbor.decode(Cbor.encode(g -> CommandCodec.write(g, c))));
    }
}
