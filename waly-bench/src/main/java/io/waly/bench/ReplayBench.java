package io.waly.bench;

import com.mongodb.ConnectionString;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.InsertManyOptions;
import io.waly.jdbc.replay.PostgresTarget;
import io.waly.log.replay.Replayer;
import io.waly.mongo.MongoTarget;
import io.waly.testing.EmbeddedPostgresServer;
import io.waly.testing.MongoFixture;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;

/**
 * Replay against the loaders it competes with. A log is captured once, through {@code jdbc:waly:postgresql} as an
 * application writes it: CREATE TABLE, then {@code rows} rows in JDBC batches of 1,000 with a commit each (each row a
 * STATEMENT with its bound parameters and an OUTCOME). Then, in rounds with the order alternated:
 * <ul>
 *   <li>PostgreSQL: {@link PostgresTarget} of the log into an empty database, against a plain JDBC loader that creates the
 *   table and inserts the same rows the same way (batches of 1,000, a commit each) into another empty database;</li>
 *   <li>MongoDB: {@link MongoTarget} of the log into an empty database, against {@code insertMany} (1,000 per call,
 *   ordered) of the documents that replay produced.</li>
 * </ul>
 * Each figure is rows per second of the whole run, including the replayer's reading and decoding of the log.
 */
final class ReplayBench {
    private ReplayBench() {}

    record Round(double replayRowsPerSecond, double loaderRowsPerSecond) {
        double ratio() {
            return replayRowsPerSecond / loaderRowsPerSecond;
        }
    }

    record Result(int rows, long logBytes, List<Round> postgres, List<Round> mongo, String mongoKind) {}

    static Result run(EmbeddedPostgresServer server, Path runDir, int rows, int rounds, java.io.PrintStream out) throws Exception {
        Path log = runDir.resolve("replay-log");
        String source = server.newDatabase("bench_replay_source");
        capture(source, log, rows);
        long logBytes = Variant.walyLogBytes(log);
        out.printf("replay: captured %,d rows through WAL-y into %s (%,d bytes of log)%n", rows, log, logBytes);

        List<Round> pg = new ArrayList<>();
        for (int round = 0; round <= rounds; round++) {
            double replay = 0, loader = 0;
            for (int k = 0; k < 2; k++) {
                boolean replayTurn = (k + round) % 2 == 0;
                String target = server.newDatabase(replayTurn ? "bench_replay_target" : "bench_load_target");
                long t0 = System.nanoTime();
                if (replayTurn) {
                    Replayer.replay(log, new PostgresTarget(target));
                } else {
                    load(target, rows);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                long n = count(target);
                if (n != rows) throw new IllegalStateException((replayTurn ? "replay" : "loader") + " wrote " + n + " of " + rows + " rows");
                if (replayTurn) replay = rows / seconds;
                else loader = rows / seconds;
                dropDatabase(server, target);
            }
            out.printf("replay → PostgreSQL round %d%s: replay %,.0f rows/s, loader %,.0f rows/s, ratio %.2f%n", round,
                    round == 0 ? " (warm-up)" : "", replay, loader, replay / loader);
            if (round > 0) pg.add(new Round(replay, loader));
        }

        List<Round> mongo = new ArrayList<>();
        MongoFixture fixture = MongoFixture.start();
        try (MongoClient client = fixture.client()) {
            // the documents insertMany gets are the ones replay produces: one replay first, to have them
            String first = fixture.newDatabaseUri("bench_replay");
            Replayer.replay(log, MongoTarget.builder().target(first).client(client).batch(16, 20_000).build());
            var firstDb = client.getDatabase(new ConnectionString(first).getDatabase());
            List<BsonDocument> docs = firstDb.getCollection("item", BsonDocument.class).find().into(new ArrayList<>(rows));
            firstDb.drop();
            if (docs.size() != rows) throw new IllegalStateException("replay into MongoDB wrote " + docs.size() + " of " + rows);
            for (int round = 0; round <= rounds; round++) {
                double replay = 0, insert = 0;
                for (int k = 0; k < 2; k++) {
                    boolean replayTurn = (k + round) % 2 == 0;
                    String uri = fixture.newDatabaseUri(replayTurn ? "bench_replay" : "bench_insert");
                    var db = client.getDatabase(new ConnectionString(uri).getDatabase());
                    long t0 = System.nanoTime();
                    if (replayTurn) {
                        Replayer.replay(log, MongoTarget.builder().target(uri).client(client).batch(16, 20_000).build());
                    } else {
                        MongoCollection<BsonDocument> coll = db.getCollection("item", BsonDocument.class);
                        for (int i = 0; i < docs.size(); i += 1000) {
                            coll.insertMany(docs.subList(i, Math.min(docs.size(), i + 1000)), new InsertManyOptions().ordered(true));
                        }
                    }
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    long n = db.getCollection("item").countDocuments();
                    if (n != rows) throw new IllegalStateException((replayTurn ? "replay" : "insertMany") + " wrote " + n + " of " + rows);
                    if (replayTurn) replay = rows / seconds;
                    else insert = rows / seconds;
                    db.drop();
                }
                out.printf("replay → MongoDB round %d%s: replay %,.0f rows/s, insertMany %,.0f rows/s, ratio %.2f%n", round,
                        round == 0 ? " (warm-up)" : "", replay, insert, replay / insert);
                if (round > 0) mongo.add(new Round(replay, insert));
            }
        } finally {
            fixture.close();
        }
        return new Result(rows, logBytes, pg, mongo, fixture.isReal() ? "MongoDB server (" + MongoFixture.ENV + ")"
                : "mongo-java-server in memory, in the benchmark's JVM");
    }

    /** The application: rows through WAL-y (durability none: capture speed is not what is measured here). */
    private static void capture(String sourceUrl, Path log, int rows) throws SQLException {
        String url = "jdbc:waly:postgresql:" + sourceUrl.substring("jdbc:postgresql:".length()) + "&walyLogDir=" + log
                + "&walyDurability=none";
        try (Connection c = DriverManager.getConnection(url)) {
            try (Statement s = c.createStatement()) {
                s.execute(Workloads.ITEM_DDL);
            }
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(Workloads.ITEM_INSERT)) {
                insertRows(c, ps, rows);
            }
        }
    }

    /** The plain JDBC loader: the same table, the same rows, the same batches and commits. */
    private static void load(String url, int rows) throws SQLException {
        try (Connection c = DriverManager.getConnection(url)) {
            try (Statement s = c.createStatement()) {
                s.execute(Workloads.ITEM_DDL);
            }
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(Workloads.ITEM_INSERT)) {
                insertRows(c, ps, rows);
            }
        }
    }

    private static void insertRows(Connection c, PreparedStatement ps, int rows) throws SQLException {
        for (int i = 0; i < rows; i++) {
            Workloads.bindItem(ps, i + 1);
            ps.addBatch();
            if ((i + 1) % 1000 == 0 || i == rows - 1) {
                ps.executeBatch();
                c.commit();
            }
        }
    }

    private static long count(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM item")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void dropDatabase(EmbeddedPostgresServer server, String url) {
        String db = url.substring(url.lastIndexOf('/') + 1, url.indexOf('?'));
        server.execute("DROP DATABASE " + db);
    }
}
