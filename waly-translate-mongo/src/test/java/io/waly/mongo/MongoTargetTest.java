package io.waly.mongo;

import io.waly.log.read.DirectoryLog;
import static io.waly.mongo.TestLog.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.ConnectionString;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import io.waly.command.Command;
import io.waly.command.Expr;
import io.waly.command.Value;
import io.waly.log.payload.Payloads;
import io.waly.log.replay.LeftOut;
import io.waly.log.replay.ReplayException;
import io.waly.log.replay.ReplayListener;
import io.waly.log.replay.ReplayOptions;
import io.waly.log.replay.ReplaySummary;
import io.waly.log.replay.Replayer;
import io.waly.mongo.translate.CommandTranslator;
import io.waly.testing.MongoFixture;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MongoTargetTest {

    static MongoClient client;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        client = MongoFixture.shared().client();
    }

    @AfterAll
    static void stop() {
        client.close();
    }

    static MongoDatabase db(String uri) {
        return client.getDatabase(new ConnectionString(uri).getDatabase());
    }

    static MongoTarget.Builder target(String uri) {
        return MongoTarget.builder().target(uri).client(client);
    }

    static ReplaySummary replay(Path dir, MongoTarget.Builder target) throws ReplayException {
        return Replayer.replay(dir, target.build());
    }

    /** Documents of a collection by _id, without the markers. */
    static Map<String, String> docs(String uri, String coll) {
        Map<String, String> out = new TreeMap<>();
        for (BsonDocument d : db(uri).getCollection(coll, BsonDocument.class).find()) {
            d.remove(CommandTranslator.MARKER);
            org.bson.BsonValue id = d.get("_id");
            out.put(id.isInt32() ? String.valueOf(id.asInt32().getValue()) : id.toString(), d.toJson());
        }
        return out;
    }

    /** A small shop: DDL, inserts, updates with $set/$inc/computed, deletes, upserts, savepoints, a failed statement. */
    static void writeShop(TestLog log) {
        log.auto("CREATE TABLE item …", create("item", "id int primary key, name text not null, price numeric(10,2), qty int default 0, tags text"));
        log.auto("INSERT …", insert("item", List.of("id", "name", "price"), List.of(
                List.of(lit(1), lit("apple"), lit(new BigDecimal("1.50"))),
                List.of(lit(2), lit("pear"), lit(new BigDecimal("2.25"))),
                List.of(lit(3), lit("plum"), new Expr.Param(1)))), Value.numeric(new BigDecimal("0.99")));
        log.begin()
                .exec("UPDATE item SET qty = qty + 5 WHERE id IN (1, 2)", update("item", new Expr.In(col("id"), List.of(lit(1), lit(2)), false),
                        "qty", arith("+", col("qty"), lit(5))))
                .exec("UPDATE item SET price = price * 2 WHERE name LIKE 'p%'", update("item",
                        new Expr.Like(col("name"), lit("p%"), false, false), "price", arith("*", col("price"), lit(2))))
                .savepoint("s1")
                .exec("DELETE FROM item WHERE id = 1", delete("item", eq("id", 1)))
                .rollbackTo("s1")
                .fail("INSERT INTO item VALUES (2, 'dup')", insert("item", List.of("id", "name"), 2, "dup"))
                .exec("UPDATE item SET tags = 'fruit' WHERE qty <> 5", update("item", cmp("<>", "qty", 5), "tags", "fruit"))
                .commit();
        log.begin().exec("INSERT … never committed", insert("item", List.of("id", "name"), 9, "ghost")).rollback();
        log.auto("INSERT … ON CONFLICT (id) DO UPDATE SET qty = item.qty + excluded.qty", new Command.Upsert(
                insert("item", List.of("id", "name", "qty"), List.of(List.of(lit(2), lit("pear"), lit(10)), List.of(lit(4), lit("fig"), lit(1)))),
                List.of("id"), null, false,
                List.of(new Command.Assignment("qty", arith("+", new Expr.Column("item", "qty"), new Expr.Column("excluded", "qty")))), null));
        log.auto("INSERT … ON CONFLICT DO NOTHING", new Command.Upsert(insert("item", List.of("id", "name"), 4, "other fig"),
                null, null, true, null, null));
        log.auto("DELETE FROM item WHERE price > 4", delete("item", cmp(">", "price", new BigDecimal("4"))));
    }

    @Test
    void appliesTransactionsWithSavepointsFailuresAndUpserts() throws Exception {
        try (TestLog log = TestLog.open(dir)) {
            writeShop(log);
        }
        String uri = MongoFixture.shared().newDatabaseUri("replay");
        ReplaySummary s = replay(dir, target(uri));
        assertThat(s.transactions).isEqualTo(6);   // pear: 2.25 * 2 = 4.50, qty 5 + 10, then deleted by price > 4
        assertThat(s.leftOut).isEmpty();
        assertThat(docs(uri, "item")).containsOnly(
                Map.entry("1", "{\"_id\": 1, \"id\": 1, \"name\": \"apple\", \"price\": {\"$numberDecimal\": \"1.50\"}, \"qty\": 5, \"tags\": null}"),
                Map.entry("3", "{\"_id\": 3, \"id\": 3, \"name\": \"plum\", \"price\": {\"$numberDecimal\": \"1.98\"}, \"qty\": 0, \"tags\": \"fruit\"}"),
                Map.entry("4", "{\"_id\": 4, \"id\": 4, \"name\": \"fig\", \"price\": null, \"qty\": 1, \"tags\": null}"));
        // the cursor: a second run has nothing to do
        ReplaySummary again = replay(dir, target(uri));
        assertThat(again.transactions).isZero();
        assertThat(again.resumed).isTrue();
        assertThat(again.lastCommitSeq).isEqualTo(s.lastCommitSeq);
    }

    @Test
    void resumingAfterEveryTransactionGivesTheSameResultAsOneRun() throws Exception {
        try (TestLog log = TestLog.open(dir)) {
            writeShop(log);
        }
        String once = MongoFixture.shared().newDatabaseUri("once");
        replay(dir, target(once));
        String stepwise = MongoFixture.shared().newDatabaseUri("stepwise");
        int runs = 0;
        while (true) {
            Replayer[] holder = new Replayer[1];
            holder[0] = new Replayer(new DirectoryLog(dir), ReplayOptions.builder().listener(new ReplayListener() {
                @Override
                public void applied(io.waly.log.tx.Transaction tx, ReplaySummary soFar) {
                    holder[0].stop();
                }
            }).build());
            ReplaySummary s = holder[0].run(target(stepwise).batch(1, 1).build());
            runs++;
            if (s.transactions == 0) break;
            assertThat(s.transactions).isEqualTo(1);
        }
        assertThat(runs).isEqualTo(7);
        assertThat(docs(stepwise, "item")).isEqualTo(docs(once, "item"));
    }

    @Test
    void reapplyingWithoutTheCursorConvergesToTheSameDocuments() throws Exception {
        // what a crash between a batch's writes and its cursor leaves, at its worst: everything re-applied
        try (TestLog log = TestLog.open(dir)) {
            writeShop(log);
        }
        String uri = MongoFixture.shared().newDatabaseUri("idem");
        replay(dir, target(uri));
        Map<String, String> first = docs(uri, "item");
        db(uri).getCollection("waly_cursor").drop();
        Replayer.replay(dir, ReplayOptions.builder().force(true).build(), target(uri).build());
        assertThat(docs(uri, "item")).isEqualTo(first);
    }

    @Test
    void untranslatableStatementsFailSkipOrLog() throws Exception {
        long badSeq;
        try (TestLog log = TestLog.open(dir)) {
            log.auto("CREATE TABLE t …", create("t", "id int primary key, v text"));
            log.auto("INSERT …", insert("t", List.of("id", "v"), 1, "a"));
            TestLog.Tx tx = log.begin().exec("INSERT …", insert("t", List.of("id", "v"), 2, "b"));
            badSeq = log.writer.lastSeq() + 1;
            tx.exec("UPDATE t SET v = my_func(v)", update("t", null, "v", new Expr.Func("my_func", List.of(col("v"))))).commit();
            log.auto("INSERT …", insert("t", List.of("id", "v"), 3, "c"));
        }
        String failUri = MongoFixture.shared().newDatabaseUri("fail");
        assertThatThrownBy(() -> replay(dir, target(failUri)))
                .isInstanceOf(ReplayException.class)
                .satisfies(e -> assertThat(((ReplayException) e).kind()).isEqualTo(ReplayException.Kind.UNTRANSLATABLE))
                .hasMessageContaining("sequence " + badSeq)
                .hasMessageContaining("my_func")
                .hasMessageContaining("UPDATE t SET v = my_func(v)");
        assertThat(docs(failUri, "t")).containsOnlyKeys("1");   // stopped before the transaction, which is not applied

        String skipUri = MongoFixture.shared().newDatabaseUri("skip");
        ReplaySummary s = replay(dir, target(skipUri).onUntranslatable(OnUntranslatable.SKIP));
        assertThat(s.leftOut).singleElement().satisfies(u -> assertThat(u.seq()).isEqualTo(badSeq));
        assertThat(docs(skipUri, "t")).containsOnlyKeys("1", "2", "3");

        List<LeftOut> reported = new ArrayList<>();
        String logUri = MongoFixture.shared().newDatabaseUri("log");
        replay(dir, target(logUri).onUntranslatable(OnUntranslatable.LOG).listener(new ReplayListener() {
            @Override
            public void leftOut(LeftOut u) {
                reported.add(u);
            }
        }));
        assertThat(reported).singleElement().satisfies(u -> assertThat(u.reason()).contains("my_func"));

        // after the failure, the cursor lets a SKIP run continue where FAIL stopped
        ReplaySummary resumed = replay(dir, target(failUri).onUntranslatable(OnUntranslatable.SKIP));
        assertThat(resumed.transactions).isEqualTo(2);
        assertThat(docs(failUri, "t")).isEqualTo(docs(skipUri, "t"));
    }

    @Test
    void recordedEffectsWinOverTheCommand() throws Exception {
        try (TestLog log = TestLog.open(dir)) {
            log.auto("CREATE TABLE ev …", create("ev", "id serial primary key, at timestamptz default now(), n int"));
            Payloads.Effect inserted = new Payloads.Effect("rows", "ev", List.of("id", "at", "n"), List.of(
                    List.of(Value.int4(1), Value.of(Value.Kind.TIMESTAMPTZ, "2024-05-01 12:00:00.123456+00"), Value.int4(7)),
                    List.of(Value.int4(2), Value.of(Value.Kind.TIMESTAMPTZ, "2024-05-01 12:00:00.123456+00"), Value.int4(8))));
            log.begin().exec("INSERT INTO ev(n) VALUES (7), (8)", insert("ev", List.of("n"), List.of(List.of(lit(7)), List.of(lit(8)))), inserted).commit();
            Payloads.Effect updated = new Payloads.Effect("rows", "ev", List.of("id", "at", "n"), List.of(
                    List.of(Value.int4(2), Value.of(Value.Kind.TIMESTAMPTZ, "2024-05-02 08:00:00+02"), Value.int4(80))));
            log.begin().exec("UPDATE ev SET at = now(), n = n * 10 FROM x WHERE …", new Command.Update(t("ev"),
                    List.of(new Command.Assignment("at", new Expr.Func("now", List.of()))), new Expr.Raw("ev.id = x.id"), List.of("x"), null), updated).commit();
            Payloads.Effect deleted = new Payloads.Effect("rows", "ev", List.of("id", "at", "n"), List.of(
                    List.of(Value.int4(1), Value.of(Value.Kind.TIMESTAMPTZ, "2024-05-01 12:00:00.123456+00"), Value.int4(7))));
            log.begin().exec("DELETE FROM ev WHERE at < now() - interval '1 day'", delete("ev", new Expr.Raw("at < now() - interval '1 day'")), deleted).commit();
        }
        String uri = MongoFixture.shared().newDatabaseUri("effects");
        replay(dir, target(uri));
        assertThat(docs(uri, "ev")).containsOnly(
                Map.entry("2", "{\"_id\": 2, \"id\": 2, \"at\": {\"$date\": \"2024-05-02T06:00:00Z\"}, \"n\": 80}"));
    }

    /**
     * Writes by cursor position on a table without primary key carry their rows' old values ({@code old-rows}): the
     * UPDATE sets one document that holds them (of two equal ones), the DELETE removes one; before, the UPDATE's
     * {@code WHERE CURRENT OF} could not be translated.
     */
    @Test
    void writesByCursorPositionOnATableWithoutPrimaryKeyFindTheirDocumentByOldValues() throws Exception {
        try (TestLog log = TestLog.open(dir)) {
            log.auto("CREATE TABLE uc …", create("uc", "f1 int, f2 text"));
            log.auto("INSERT …", insert("uc", List.of("f1", "f2"), List.of(List.of(lit(1), lit("one")), List.of(lit(1), lit("one")),
                    List.of(lit(2), lit("two")))));
            Payloads.Effect before = new Payloads.Effect("old-rows", "uc", List.of("f1", "f2"), List.of(List.of(Value.int4(1), Value.text("one"))));
            Payloads.Effect after = new Payloads.Effect("rows", "uc", List.of("f1", "f2"), List.of(List.of(Value.int4(10), Value.text("one"))));
            Payloads.Effect gone = new Payloads.Effect("rows", "uc", List.of("f1", "f2"), List.of(List.of(Value.int4(2), Value.text("two"))));
            Payloads.Effect goneBefore = new Payloads.Effect("old-rows", "uc", gone.columns(), gone.rows());
            log.begin().execWith("UPDATE uc SET f1 = 10 WHERE CURRENT OF c1", update("uc", new Expr.Raw("CURRENT OF c1"), "f1", lit(10)),
                    List.of(after, before))
                    .execWith("DELETE FROM uc WHERE CURRENT OF c1", delete("uc", new Expr.Raw("CURRENT OF c1")), List.of(gone, goneBefore))
                    .commit();
        }
        String uri = MongoFixture.shared().newDatabaseUri("cursor_nokey");
        replay(dir, target(uri));
        List<String> rows = new ArrayList<>();
        for (BsonDocument d : db(uri).getCollection("uc", BsonDocument.class).find().sort(new BsonDocument("f1", new BsonInt32(1)))) {
            d.remove("_id");
            d.remove(CommandTranslator.MARKER);
            rows.add(d.toJson());
        }
        assertThat(rows).containsExactly("{\"f1\": 1, \"f2\": \"one\"}", "{\"f1\": 10, \"f2\": \"one\"}");
    }

    @Test
    void ddlAlterTruncateAndTablesWithoutPrimaryKey() throws Exception {
        try (TestLog log = TestLog.open(dir)) {
            log.auto("CREATE TABLE kv …", create("kv", "k text, v int, unique (k)"));
            log.auto("INSERT …", insert("kv", List.of("k", "v"), List.of(List.of(lit("a"), lit(1)), List.of(lit("b"), lit(2)), List.of(lit("c"), lit(3)))));
            log.auto("UPDATE kv SET v = v * 10 WHERE k <> 'a'", update("kv", cmp("<>", "k", "a"), "v", arith("*", col("v"), lit(10))));
            log.auto("ALTER TABLE kv ADD COLUMN flag boolean DEFAULT true", new Command.Ddl.AlterTable(t("kv"), false, List.of(
                    new Command.Ddl.AddColumn(new Command.Ddl.ColumnDef("flag", "boolean", false, lit(true), null, null), List.of(), false))));
            log.auto("ALTER TABLE kv RENAME COLUMN v TO val", new Command.Ddl.AlterTable(t("kv"), false, List.of(new Command.Ddl.RenameColumn("v", "val"))));
            log.auto("DELETE FROM kv WHERE val = 20", delete("kv", eq("val", 20)));
            log.auto("INSERT …", insert("kv", List.of("k", "val"), "d", 4));
            log.auto("CREATE TABLE gone …", create("gone", "id int primary key"));
            log.auto("INSERT …", insert("gone", List.of("id"), 1));
            log.auto("TRUNCATE gone", new Command.Truncate(List.of(t("gone")), false, false));
            log.auto("CREATE INDEX kv_val ON kv (val)", new Command.Ddl.CreateIndex("kv_val", t("kv"), List.of(col("val")), false, null, false));
            log.auto("GRANT SELECT ON kv TO bob", new Command.Sql("GRANT"));
        }
        String uri = MongoFixture.shared().newDatabaseUri("ddl");
        ReplaySummary s = replay(dir, target(uri).onUntranslatable(OnUntranslatable.SKIP));
        assertThat(s.leftOut).singleElement().satisfies(u -> assertThat(u.reason()).contains("GRANT"));
        List<String> rows = new ArrayList<>();
        for (BsonDocument d : db(uri).getCollection("kv", BsonDocument.class).find().sort(new BsonDocument("k", new BsonInt32(1)))) {
            d.remove("_id");
            d.remove(CommandTranslator.MARKER);
            rows.add(d.toJson());
        }
        assertThat(rows).containsExactly(
                "{\"k\": \"a\", \"flag\": true, \"val\": 1}",
                "{\"k\": \"c\", \"flag\": true, \"val\": 30}",
                "{\"k\": \"d\", \"val\": 4, \"flag\": true}");
        assertThat(db(uri).getCollection("gone").countDocuments()).isZero();
        List<String> indexes = new ArrayList<>();
        db(uri).getCollection("kv").listIndexes().forEach(i -> indexes.add(i.getString("name")));
        assertThat(indexes).contains("kv_val", "kv_k_key");
    }
}
