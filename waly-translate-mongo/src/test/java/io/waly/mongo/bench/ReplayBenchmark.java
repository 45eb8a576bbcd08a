package io.waly.mongo.bench;

import com.mongodb.ConnectionString;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.InsertManyOptions;
import io.waly.command.Command;
import io.waly.command.Expr;
import io.waly.command.Value;
import io.waly.log.Durability;
import io.waly.log.LogConfig;
import io.waly.log.format.RecordKind;
import io.waly.log.payload.Payloads;
import io.waly.log.write.LogWriter;
import io.waly.mongo.MongoTarget;
import io.waly.log.replay.ReplaySummary;
import io.waly.log.replay.Replayer;
import io.waly.testing.MongoFixture;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;

/**
 * Replay of N logged rows into MongoDB against a direct {@code insertMany} of the same documents, side by side
 * (BENCHMARKS.md, "MongoDB replay"). The log is written as the driver writes a JDBC batch: one transaction per 1,000
 * single-row INSERTs, each a STATEMENT with bound parameters and an OUTCOME. insertMany gets the documents the replay
 * produced, in batches of 1,000, into a fresh database; each round alternates the two and the median is reported.
 *
 * <pre>mvn -B -pl waly-translate-mongo -am -Pbench verify -DskipTests [-Dbench.rows=200000] [-Dbench.rounds=5]</pre>
 * With {@code WALY_TEST_MONGODB_URI} set it runs against that server, otherwise against the in-memory test server.
 */
public final class ReplayBenchmark {

    public static void main(String[] args) throws Exception {
        int rows = Integer.getInteger("bench.rows", 100_000);
        int rounds = Integer.getInteger("bench.rounds", 5);
        int perTx = 1000;
        Path dir = Files.createTempDirectory("waly-bench");
        writeLog(dir, rows, perTx);
        MongoFixture fixture = MongoFixture.start();
        List<Double> replayMs = new ArrayList<>(), insertMs = new ArrayList<>();
        try (MongoClient client = fixture.client()) {
            for (int round = 0; round <= rounds; round++) {
                String a = fixture.newDatabaseUri("bench_replay");
                long t0 = System.nanoTime();
                ReplaySummary s = Replayer.replay(dir, MongoTarget.builder().target(a).client(client).batch(16, 20_000).build());
                double replay = (System.nanoTime() - t0) / 1e6;
                if (s.documents != rows) throw new IllegalStateException("replayed " + s.documents + " of " + rows);
                List<BsonDocument> docs = client.getDatabase(new ConnectionString(a).getDatabase())
                        .getCollection("item", BsonDocument.class).find().into(new ArrayList<>(rows));
                String b = fixture.newDatabaseUri("bench_insert");
                MongoCollection<BsonDocument> coll = client.getDatabase(new ConnectionString(b).getDatabase()).getCollection("item", BsonDocument.class);
                long t1 = System.nanoTime();
                for (int i = 0; i < docs.size(); i += perTx) coll.insertMany(docs.subList(i, Math.min(docs.size(), i + perTx)), new InsertManyOptions().ordered(true));
                double insert = (System.nanoTime() - t1) / 1e6;
                client.getDatabase(new ConnectionString(a).getDatabase()).drop();
                client.getDatabase(new ConnectionString(b).getDatabase()).drop();
                System.out.printf("round %d%s: replay %.0f ms (%.0f rows/s), insertMany %.0f ms (%.0f rows/s), ratio %.2f%n", round,
                        round == 0 ? " (warm-up)" : "", replay, rows / replay * 1000, insert, rows / insert * 1000, insert / replay);
                if (round > 0) {
                    replayMs.add(replay);
                    insertMs.add(insert);
                }
            }
        } finally {
            fixture.close();
        }
        double r = median(replayMs), i = median(insertMs);
        System.out.printf("%nmedian of %d rounds, %d rows, %s: replay %.0f rows/s, insertMany %.0f rows/s, replay/insertMany = %.2f%n",
                rounds, rows, fixture.isReal() ? "MongoDB at " + System.getenv(MongoFixture.ENV) : "in-memory mongo-java-server",
                rows / r * 1000, rows / i * 1000, i / r);
    }

    private static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    private static void writeLog(Path dir, int rows, int perTx) {
        try (LogWriter w = LogWriter.open(LogConfig.at(dir).withDurability(Durability.NONE))) {
            w.append(RecordKind.SESSION, 0, new Payloads.Session(1, Map.of("TimeZone", "UTC")).encode());
            Command.Ddl create = new Command.Ddl.CreateTable(new Command.Table(null, "item"), List.of(
                    new Command.Ddl.ColumnDef("id", "bigint", true, null, null, null), Command.Ddl.ColumnDef.of("name", "text"),
                    Command.Ddl.ColumnDef.of("price", "numeric(10,2)"), Command.Ddl.ColumnDef.of("qty", "int"),
                    Command.Ddl.ColumnDef.of("created", "timestamptz")), List.of(new Command.Ddl.PrimaryKey(null, List.of("id"))), false, null, null);
            tx(w, List.of(new Payloads.Statement("CREATE TABLE item (…)", List.of(), new int[0], create, true, -1, null, 1)));
            Command.Insert insert = new Command.Insert(new Command.Table(null, "item"), List.of("id", "name", "price", "qty", "created"),
                    List.of(List.of(new Expr.Param(1), new Expr.Param(2), new Expr.Param(3), new Expr.Param(4), new Expr.Param(5))), null, null);
            String sql = "INSERT INTO item (id, name, price, qty, created) VALUES (?, ?, ?, ?, ?)";
            for (int start = 0; start < rows; start += perTx) {
                List<Payloads.Statement> st = new ArrayList<>();
                for (int id = start; id < Math.min(rows, start + perTx); id++) {
                    List<Value> params = Arrays.asList(Value.int8(id), Value.text("item number " + id),
                            Value.numeric(new BigDecimal(id % 10_000).movePointLeft(2)), Value.int4(id % 97),
                            Value.of(Value.Kind.TIMESTAMPTZ, "2024-05-01T10:00:00.123456+00:00"));
                    st.add(new Payloads.Statement(sql, params, new int[] {-5, 12, 2, 4, 2014}, insert, false, id - start, null, 1));
                }
                tx(w, st);
            }
        }
    }

    private static void tx(LogWriter w, List<Payloads.Statement> statements) {
        long tx = w.append(RecordKind.BEGIN, LogWriter.OWN_SEQ, new Payloads.Begin(1, -1, false, null, false).encode());
        for (Payloads.Statement s : statements) {
            long seq = w.append(RecordKind.STATEMENT, tx, s.encode());
            w.append(RecordKind.OUTCOME, tx, Payloads.Outcome.ok(seq, new long[] {1}, List.of()).encode());
        }
        w.append(RecordKind.COMMIT, tx, new Payloads.Commit(-1).encode());
        long end = w.append(RecordKind.COMMITTED, tx, Payloads.End.COMMIT.encode());
        w.sync(end);
    }
}
