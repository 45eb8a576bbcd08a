package io.waly.mongo.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waly.command.Command;
import io.waly.command.Command.Ddl.*;
import io.waly.command.Command.Table;
import io.waly.command.Expr;
import io.waly.command.Value;
import io.waly.log.payload.Payloads;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

/**
 * The translation reads the typed commands only: every statement here carries SQL text that says nothing (a comment),
 * so a translation that still looked at the SQL would get it wrong. DDL, settings, sequence SELECTs and COPY's options
 * as the driver's parser produces them.
 */
class TypedCommandTranslationTest {

    static final String NO_SQL = "/* the SQL text is not read */";
    static final ZoneId UTC = ZoneId.of("UTC");

    final CommandTranslator tr = new CommandTranslator(new Catalog(), 7);
    long seq;

    List<MongoOp> run(Command c) {
        return run(c, null, 1);
    }

    /** One statement of the transaction that commits at {@code commitSeq}. */
    List<MongoOp> run(Command c, byte[] copyData, long commitSeq) {
        seq++;
        Payloads.Statement st = new Payloads.Statement(NO_SQL, List.of(), new int[0], c, true, -1, copyData, 1);
        return tr.translate(st, null, seq, CommandTranslator.marker(commitSeq, (int) seq), tr.zone(1, Map.of("TimeZone", "UTC")));
    }

    static Table t(String name) {
        return new Table(null, name);
    }

    static Expr lit(Value v) {
        return new Expr.Literal(v);
    }

    static Expr col(String name) {
        return new Expr.Column(null, name);
    }

    Command.Insert insert(String table, List<String> columns, Expr... values) {
        return new Command.Insert(t(table), columns, List.of(List.of(values)), null, null);
    }

    BsonDocument inserted(List<MongoOp> ops) {
        return ((MongoOp.InsertDocs) ops.get(0)).docs().get(0);
    }

    void createItem() {
        run(new CreateTable(t("item"), List.of(
                new ColumnDef("id", "int", false, null, null, null),
                new ColumnDef("sku", "text", true, null, null, null),
                new ColumnDef("qty", "int", false, lit(Value.int4(0)), null, null),
                new ColumnDef("label", "text", false, new Expr.Cast(lit(Value.text("none")), "text"), null, null),
                ColumnDef.of("at", "timestamptz"), ColumnDef.of("note", "text")),
                List.of(new PrimaryKey(null, List.of("id")), new Unique("sku_u", List.of("sku")), new Unique(null, List.of("note")),
                        new Check("ck", new Expr.Compare(">", col("qty"), lit(Value.int4(-1))))), false, null, null));
    }

    @Test
    void createTableMakesTheCollectionItsKeysAndTypedDefaults() {
        run(new CreateSchema("app", false, null));
        List<MongoOp> ops = run(new CreateTable(new Table("app", "item"), List.of(ColumnDef.of("id", "int"), ColumnDef.of("note", "text")),
                List.of(new PrimaryKey(null, List.of("id")), new Unique(null, List.of("note"))), false, null, null));
        assertThat(ops).containsExactly(new MongoOp.CreateCollection("app.item"),
                new MongoOp.CreateIndex("app.item", "app.item_pkey", List.of("id"), true, null),
                new MongoOp.CreateIndex("app.item", "app.item_note_key", List.of("note"), true, BsonDocument.parse("{note: {$type: 'string'}}")));
        createItem();
        BsonDocument doc = inserted(run(insert("item", List.of("id", "sku"), lit(Value.int4(1)), lit(Value.text("A")))));
        assertThat(doc.toJson()).isEqualTo("{\"_id\": 1, \"id\": 1, \"sku\": \"A\", \"qty\": 0, \"label\": \"none\", \"at\": null, \"note\": null,"
                + " \"_walySeq\": " + doc.getInt64("_walySeq").getValue() + "}");
        assertThat(run(new CreateTable(t("item"), List.of(ColumnDef.of("x", "int")), List.of(), true, null, null))).isEmpty();
        assertThatThrownBy(() -> run(new CreateTable(t("copy"), null, null, false, "SELECT 1", null))).hasMessageContaining("CREATE TABLE … AS");
        // logged with the rows it made (a query of volatile values): a collection of them
        Payloads.Outcome made = Payloads.Outcome.ok(seq + 1, new long[] {2}, List.of(new Payloads.Effect(Payloads.Effect.ROWS,
                "public.picked", List.of("n", "r"), List.of(List.of(Value.int4(1), Value.float8(0.25)), List.of(Value.int4(2), Value.float8(0.5))))));
        seq++;
        List<MongoOp> picked = tr.translate(new Payloads.Statement(NO_SQL, List.of(), new int[0],
                new CreateTable(t("picked"), null, null, false, "SELECT g AS n, random() AS r FROM generate_series(1, 2) g", null),
                true, -1, null, 1), made, seq, CommandTranslator.marker(1, (int) seq), UTC);
        assertThat(picked.get(0)).isEqualTo(new MongoOp.CreateCollection("picked"));
        List<BsonDocument> docs = ((MongoOp.InsertDocs) picked.get(1)).docs();
        assertThat(docs).extracting(d -> d.getInt32("n").getValue() + "=" + d.getDouble("r").getValue()).containsExactly("1=0.25", "2=0.5");
        assertThatThrownBy(() -> run(new OtherDdl("CREATE", "TABLE", List.of(t("child"))))).hasMessageContaining("PARTITION OF");
    }

    @Test
    void alterTableActsOnTheTypedActions() {
        createItem();
        run(new AlterTable(t("item"), false, List.of(new SetDefault("qty", lit(Value.int4(5))), new DropDefault("label"),
                new SetNotNull("note"), new DropNotNull("note"), new DropConstraint("ck", false, false),
                new AddConstraint(new Check(null, new Expr.IsNull(col("sku"), true))),
                new AddConstraint(new ForeignKey("fk", List.of("id"), t("o"), null, null, null)),
                new OtherAction("OWNER TO", NO_SQL), new OtherAction("ENABLE TRIGGER ALL", NO_SQL),
                new OtherAction("SET", NO_SQL), new OtherAction("ALTER COLUMN SET STATISTICS", NO_SQL))));
        BsonDocument doc = inserted(run(insert("item", List.of("id", "sku"), lit(Value.int4(2)), lit(Value.text("B")))));
        assertThat(doc.getInt32("qty").getValue()).isEqualTo(5);
        assertThat(doc.isNull("label")).isTrue();

        List<MongoOp> add = run(new AlterTable(t("item"), false, List.of(new AddColumn(
                new ColumnDef("flag", "boolean", false, lit(Value.bool(true)), null, null), List.of(), false))));
        assertThat(add).containsExactly(new MongoOp.UpdateMany("item", BsonDocument.parse("{flag: {$exists: false}}"),
                BsonDocument.parse("{$set: {flag: true}}"), ((MongoOp.UpdateMany) add.get(0)).marker()));
        assertThat(run(new AlterTable(t("item"), false, List.of(new AddColumn(ColumnDef.of("flag", "boolean"), List.of(), true))))).isEmpty();
        assertThatThrownBy(() -> run(new AlterTable(t("item"), false, List.of(new AddColumn(ColumnDef.of("k", "int"),
                List.of(new PrimaryKey(null, List.of("k"))), false))))).hasMessageContaining("_id");
        for (AlterAction changes : List.of(new AlterColumnType("qty", "bigint", null), new AddConstraint(new PrimaryKey(null, List.of("sku"))),
                new AddConstraint(new Unique(null, List.of("sku"))), new OtherAction("SET SCHEMA", "SET SCHEMA other"),
                new OtherAction("OTHER", null))) {
            assertThatThrownBy(() -> run(new AlterTable(t("item"), false, List.of(changes)))).as(changes.toString())
                    .isInstanceOf(UntranslatableException.class).hasMessageContaining("may change stored values");
        }
        assertThatThrownBy(() -> run(new AlterTable(t("item"), false, List.of(new AddColumn(
                new ColumnDef("at2", "timestamptz", false, new Expr.Func("now", List.of()), null, null), List.of(), false)))))
                .hasMessageContaining("volatile now()");
        assertThatThrownBy(() -> run(new AlterTable(t("item"), false, List.of(new AddColumn(
                new ColumnDef("n", "int", false, null, "ALWAYS", null), List.of(), false))))).hasMessageContaining("sequence");

        List<MongoOp> rename = run(new AlterTable(t("item"), false, List.of(new RenameColumn("note", "remark"))));
        assertThat(((MongoOp.UpdateMany) rename.get(0)).update()).isEqualTo(BsonDocument.parse("{$rename: {note: 'remark'}}"));
        assertThat(run(new AlterTable(t("item"), false, List.of(new RenameTable("goods"))))).containsExactly(new MongoOp.RenameCollection("item", "goods"));
        assertThat(tr.catalog().table("goods").column("remark")).isNotNull();
    }

    @Test
    void indexesFromTheirKeysUniquenessAndPredicate() {
        createItem();
        assertThat(run(new CreateIndex("by_sku_qty", t("item"), List.of(col("sku"), col("qty")), true, null, false)))
                .containsExactly(new MongoOp.CreateIndex("item", "by_sku_qty", List.of("sku", "qty"), true,
                        BsonDocument.parse("{qty: {$type: 'int'}}")));   // sku is NOT NULL; qty's NULLs may repeat
        // a partial unique index: a plain one, since MongoDB's without the predicate would refuse rows PostgreSQL takes
        assertThat(run(new CreateIndex("partial", t("item"), List.of(col("qty")), true, col("note"), false)))
                .containsExactly(new MongoOp.CreateIndex("item", "partial", List.of("qty"), false, null));
        assertThat(run(new CreateIndex("expr", t("item"), List.of(new Expr.Func("lower", List.of(col("sku")))), false, null, false))).isEmpty();
        assertThat(run(new CreateIndex("partial", t("item"), List.of(col("qty")), false, null, true))).isEmpty();
        assertThat(run(new OtherDdl("CREATE", "INDEX", List.of(t("old"), t("item"))))).isEmpty();
        assertThat(run(new Drop("INDEX", List.of(new Table("public", "partial")), false, false)))
                .containsExactly(new MongoOp.DropIndex("item", "partial"));
    }

    @Test
    void dropsAndObjectsWithoutData() {
        createItem();
        run(new CreateTable(new Table("app", "t"), List.of(ColumnDef.of("a", "int")), List.of(), false, null, null));
        assertThat(run(new Drop("TABLE", List.of(t("item"), t("missing")), true, false)))
                .containsExactly(new MongoOp.DropCollection("item"), new MongoOp.DropCollection("missing"));
        assertThat(tr.catalog().table("item")).isNull();
        for (Command noData : List.of(new CreateSequence(t("s"), SequenceOptions.NONE, false),
                new AlterSequence(t("s"), new SequenceOptions(null, null, null, null, null, null, null, null, true, 5L), false),
                new CreateType(t("mood"), List.of("a"), null), new CreateSchema("x", false, null), new Drop("SEQUENCE", List.of(t("s")), false, false),
                new Drop("SCHEMA", List.of(t("app")), false, false), new OtherDdl("CREATE", "EXTENSION", List.of(t("pgcrypto"))),
                new OtherDdl("ALTER", "TYPE", List.of(t("mood"))))) {
            assertThat(run(noData)).as(noData.toString()).isEmpty();
        }
        assertThatThrownBy(() -> run(new Drop("SCHEMA", List.of(t("app")), false, true))).hasMessageContaining("CASCADE drops tables");
        for (Command meaningless : List.of(new CreateView(t("v"), null, "SELECT 1", false, false), new Drop("VIEW", List.of(t("v")), false, false),
                new OtherDdl("CREATE", "FUNCTION", List.of(t("f"))), new OtherDdl("CREATE", "TRIGGER", List.of(t("tr"))))) {
            assertThatThrownBy(() -> run(meaningless)).as(meaningless.toString()).hasMessageContaining("has no MongoDB meaning");
        }
    }

    @Test
    void theSessionTimeZoneComesFromSettings() {
        run(new CreateTable(t("ev"), List.of(ColumnDef.of("id", "int"), ColumnDef.of("at", "timestamptz")),
                List.of(new PrimaryKey(null, List.of("id"))), false, null, null));
        Expr noon = lit(Value.text("2024-01-15 12:00:00"));
        run(new Command.Setting("timezone", "Europe/Paris", false));
        assertThat(at(run(insert("ev", List.of("id", "at"), lit(Value.int4(1)), noon)))).isEqualTo(Instant.parse("2024-01-15T11:00:00Z"));
        run(new Command.Setting("all", null, false));
        assertThat(at(run(insert("ev", List.of("id", "at"), lit(Value.int4(2)), noon)))).isEqualTo(Instant.parse("2024-01-15T12:00:00Z"));
        // SET LOCAL lasts for its transaction only
        run(new Command.Setting("timezone", "Asia/Tokyo", true), null, 50);
        assertThat(at(run(insert("ev", List.of("id", "at"), lit(Value.int4(3)), noon), null, 50))).isEqualTo(Instant.parse("2024-01-15T03:00:00Z"));
        assertThat(at(run(insert("ev", List.of("id", "at"), lit(Value.int4(4)), noon), null, 51))).isEqualTo(Instant.parse("2024-01-15T12:00:00Z"));
        assertThat(run(new Command.Setting("search_path", "app, public", false))).isEmpty();
    }

    static Instant at(List<MongoOp> ops) {
        BsonDateTime d = ((MongoOp.InsertDocs) ops.get(0)).docs().get(0).getDateTime("at");
        return Instant.ofEpochMilli(d.getValue());
    }

    @Test
    void sequenceSelectsChangeNothingOtherSelectsAreUntranslatable() {
        assertThat(run(new Command.SequenceSelect(List.of(new Command.SequenceCall("nextval", t("s"), List.of(lit(Value.text("s")))))))).isEmpty();
        assertThatThrownBy(() -> run(new Command.Sql("SELECT"))).hasMessageContaining("SELECT that may write");
        assertThat(run(new Command.Sql("SET"))).isEmpty();   // SET TRANSACTION, SET CONSTRAINTS
    }

    @Test
    void copyFollowsItsTypedOptions() {
        createItem();
        byte[] csv = "id,sku\n1,A\n2,\"B,b\"\n".getBytes(StandardCharsets.UTF_8);
        Command.CopyOptions header = new Command.CopyOptions("csv", true, null, null, null, null, null, null, null, Map.of());
        List<BsonDocument> docs = ((MongoOp.InsertDocs) run(new Command.Copy(t("item"), List.of("id", "sku"), header, null), csv, 1).get(0)).docs();
        assertThat(docs).extracting(d -> d.getString("sku").getValue()).containsExactly("A", "B,b");
        assertThat(docs.get(0).getInt32("qty").getValue()).isZero();
        byte[] text = "3\tC\n".getBytes(StandardCharsets.UTF_8);
        assertThat(((MongoOp.InsertDocs) run(new Command.Copy(t("item"), List.of("id", "sku"), null, null), text, 1).get(0)).docs()).hasSize(1);
        Command.CopyOptions semicolon = new Command.CopyOptions("csv", false, ";", null, null, null, null, null, null, Map.of());
        assertThatThrownBy(() -> run(new Command.Copy(t("item"), List.of("id"), semicolon, null), csv, 1)).hasMessageContaining("DELIMITER");
        Command.CopyOptions old = new Command.CopyOptions("csv", false, null, null, null, null, null, null, null, Map.of("options", "with ( format csv )"));
        assertThatThrownBy(() -> run(new Command.Copy(t("item"), List.of("id"), old, null), csv, 1)).hasMessageContaining("OPTIONS");
        assertThatThrownBy(() -> run(new Command.Copy(t("item"), List.of("id"), null, col("id")), text, 1)).hasMessageContaining("WHERE");
        assertThatThrownBy(() -> run(new Command.Copy(t("item"), List.of("id"), Command.CopyOptions.of("binary"), null), text, 1))
                .hasMessageContaining("binary");
    }

    @Test
    void theCatalogKeepsTypedDefaultsAcrossARestart() {
        createItem();
        Catalog back = Catalog.fromBson(tr.catalog().toBson());
        assertThat(back.table("item")).isEqualTo(tr.catalog().table("item"));
        assertThat(back.table("item").column("label").defaultValue()).isEqualTo(new Expr.Cast(lit(Value.text("none")), "text"));
        // a cursor saved before defaults were typed held their SQL text
        BsonDocument saved = BsonDocument.parse("{tables: [{collection: 'k', columns: [{name: 'v', type: 'int', notNull: false, default: '0'}],"
                + " primaryKey: [], unique: []}], indexes: {}}");
        assertThat(Catalog.fromBson(saved).table("k").column("v").defaultValue()).isEqualTo(new Expr.Raw("0"));
    }
}
