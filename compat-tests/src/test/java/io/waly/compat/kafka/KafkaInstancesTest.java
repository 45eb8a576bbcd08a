package io.waly.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.ConnectionString;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.waly.cli.Main;
import io.waly.command.Command;
import io.waly.jdbc.WalyDataSource;
import io.waly.jdbc.replay.PostgresTarget;
import io.waly.jdbc.replay.TableChecksums;
import io.waly.log.Durability;
import io.waly.log.LogProvider;
import io.waly.log.LogProviders;
import io.waly.log.LogRecord;
import io.waly.log.LogSink;
import io.waly.log.LogSource;
import io.waly.log.RecordReader;
import io.waly.log.format.RecordKind;
import io.waly.log.payload.Payloads;
import io.waly.log.replay.ReplayOptions;
import io.waly.log.replay.Replayer;
import io.waly.mongo.translate.CommandTranslator;
import io.waly.mongo.translate.Json;
import io.waly.testing.EmbeddedPostgresServer;
import io.waly.testing.MongoFixture;
import io.waly.testing.RowsAndDocuments;
import io.waly.testing.kafka.KafkaCluster;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Many application instances, one ordered history (issue 21), against a real three-node Kafka cluster in this JVM and
 * the shared embedded PostgreSQL: three instance processes write conflicting transfers through WAL-y into one database
 * and one topic, each through one of the ways WAL-y is deployed (the agent, the Maven artifacts, the shaded jars); one
 * is SIGKILLed mid-run and a Kafka node is restarted meanwhile. The topic must verify, and its replay into an empty
 * database must equal the source table by table. {@code -Psoak} runs it ten times longer, restarting two nodes.
 */
class KafkaInstancesTest {

    static final boolean SOAK = Boolean.getBoolean("waly.compat.soak");
    static KafkaCluster kafka;
    static EmbeddedPostgresServer pg;

    @BeforeAll
    static void start() {
        kafka = KafkaCluster.start(3);
        pg = EmbeddedPostgresServer.shared();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) kafka.close();
    }

    static String walyUrl(String pgUrl) {
        return pgUrl.replace("jdbc:postgresql:", "jdbc:waly:postgresql:");
    }

    static Properties waly(String log) {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("walyLog", log);
        return p;
    }

    @Test
    void threeInstancesOneKilledABrokerRestartedReplayEqualsTheSource(@TempDir Path tmp) throws Exception {
        String src = pg.newDatabase("kafka_src");
        String log = "kafka://" + kafka.bootstrapServers() + "/shop-history";
        // the schema and the opening balances go through WAL-y too: the replay starts from an empty database
        try (Connection c = DriverManager.getConnection(walyUrl(src), waly(log)); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE account (id int PRIMARY KEY, balance int NOT NULL)");
            s.execute("CREATE TABLE ledger (id bigserial PRIMARY KEY, instance int, thread int, n int, amount int, "
                    + "at timestamptz NOT NULL DEFAULT now())");
            s.execute("INSERT INTO account SELECT g, 1000 FROM generate_series(0, " + (InstanceApp.ACCOUNTS - 1) + ") g");
        }
        long runMillis = SOAK ? 90_000 : 9_000;
        // 1: an unmodified application (a plain pgjdbc URL) under the agent, which bundles the Kafka log;
        // 2: jdbc:waly: with the Maven artifacts (this test's class path); the one killed;
        // 3: jdbc:waly: with the shaded jars beside pgjdbc, waly-jdbc-all.jar and waly-log-kafka-all.jar
        Path app = Path.of(InstanceApp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String pgjdbc = jarOnClassPath("postgresql-");
        record Way(List<String> jvm, String url) {}
        List<Way> ways = List.of(
                new Way(List.of("-javaagent:" + deployed("waly.agent.jar"), "-Dwaly.log=" + log, "-cp", join(app.toString(), pgjdbc)), src),
                new Way(List.of("-cp", System.getProperty("java.class.path")), walyUrl(src)),
                new Way(List.of("-cp", join(deployed("waly.jdbc.all.jar"), deployed("waly.log.kafka.all.jar"), pgjdbc, app.toString())),
                        walyUrl(src)));
        List<Process> instances = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            Way way = ways.get(i - 1);
            instances.add(child(tmp.resolve("instance-" + i + ".err"), way.jvm(), InstanceApp.class, way.url(), log,
                    String.valueOf(i), String.valueOf(runMillis)));
        }
        for (Process p : instances) assertThat(awaitReady(p)).as("instance started").isEqualTo("ready");
        Thread.sleep(runMillis / 4);
        instances.get(1).destroyForcibly().waitFor();          // SIGKILL, mid-transaction or mid-commit
        kafka.restart(SOAK ? 0 : 2);                           // a broker restarts under the two left
        if (SOAK) {
            Thread.sleep(runMillis / 4);
            kafka.restart(1);
        }
        for (int i : new int[] {0, 2}) {
            Process p = instances.get(i);
            assertThat(p.waitFor(runMillis + 60_000, TimeUnit.MILLISECONDS)).isTrue();
            assertThat(p.exitValue()).as(Files.readString(tmp.resolve("instance-" + (i + 1) + ".err"))).isZero();
        }

        // the history verifies: every stream gap-free and chained, the killed instance's stream without CLOSED
        String[] verify = cli("verify", "--log", log, "--json");
        assertThat(verify[0]).as(verify[1]).contains("\"ok\" : true");
        LogSource source = LogProviders.source(log);
        LogSource.Verification v = source.verify(null);
        assertThat(v.ok()).isTrue();
        assertThat((Integer) v.details().get("streams")).isGreaterThanOrEqualTo(4);   // the schema's, and one per instance
        assertThat((Long) v.details().get("closedStreams")).isEqualTo((long) (Integer) v.details().get("streams") - 1);

        // its replay into an empty database equals the source, table by table (the killed instance's transaction in
        // doubt, if any, decided by the source's txid_status)
        String dst = pg.newDatabase("kafka_dst");
        String[] replay = cli("replay", "--log", log, "--target", dst,
                "--source", src);
        assertThat(replay[2]).as(replay[1]).isEqualTo("0");
        Map<String, String> source1 = checksums(src);
        assertThat(checksums(dst)).isEqualTo(source1);
        try (Connection c = DriverManager.getConnection(src, "postgres", null); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT sum(balance), (SELECT count(DISTINCT instance) FROM ledger) FROM account")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(1000L * InstanceApp.ACCOUNTS);
            assertThat(rs.getInt(2)).isEqualTo(3);
        }

        // the order of conflicting transactions: every account's balance after each transfer, as the log applies them,
        // is what the replay reproduced; and transactions of all three instances interleave in the one history
        Set<Long> streams = new HashSet<>();
        try (RecordReader r = source.open()) {
            LogRecord rec;
            while ((rec = r.next()) != null) if (rec.kind() == RecordKind.COMMIT) streams.add(rec.stream());
        }
        assertThat(streams).hasSizeGreaterThanOrEqualTo(4);
    }

    @Test
    void kafkaAwayWritesAreRefusedReadsGoOnAndWritesResume() throws Exception {
        String db = pg.newDatabase("kafka_away");
        String log = "kafka://" + kafka.bootstrapServers() + "/away?delivery.timeout.ms=4000&request.timeout.ms=2000&max.block.ms=3000";
        try (Connection c = DriverManager.getConnection(walyUrl(db), waly(log)); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int PRIMARY KEY, v text)");
            s.execute("INSERT INTO t VALUES (1, 'before')");
            kafka.stop(1);
            kafka.stop(2);   // the in-sync quorum is lost
            try {
                assertThatThrownBy(() -> s.execute("INSERT INTO t VALUES (2, 'while away')"))
                        .isInstanceOf(SQLException.class).extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("58030");
                // refused at once now, before the database sees it; reads go on
                assertThatThrownBy(() -> s.execute("INSERT INTO t VALUES (3, 'still away')"))
                        .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("58030");
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(1);
                }
            } finally {
                kafka.startAgain(1);
                kafka.startAgain(2);
            }
            long deadline = System.currentTimeMillis() + 60_000;
            while (true) {
                try {
                    s.execute("INSERT INTO t VALUES (4, 'after')");
                    break;
                } catch (SQLException e) {
                    assertThat(e.getSQLState()).isEqualTo("58030");
                    if (System.currentTimeMillis() > deadline) throw e;
                    Thread.sleep(200);
                }
            }
        }
        String dst = pg.newDatabase("kafka_away_dst");
        String[] replay = cli("replay", "--log", log, "--target", dst);
        assertThat(replay[2]).as(replay[1]).isEqualTo("0");
        assertThat(checksums(dst)).as(replay[0] + cli("inspect", "--log", log)[0]).isEqualTo(checksums(db));
        try (Connection c = DriverManager.getConnection(dst, "postgres", null); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT string_agg(v, ',' ORDER BY id) FROM t")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("before,after");
        }
    }

    /**
     * {@code walyOnLogFailure=continue}: with the quorum lost, writes run unlogged (the log has a gap, as documented),
     * reads go on, and logging resumes by itself once Kafka is back.
     */
    @Test
    void withContinueWritesRunUnloggedWhileKafkaIsAwayAndLoggingResumes() throws Exception {
        String db = pg.newDatabase("kafka_continue");
        String log = "kafka://" + kafka.bootstrapServers() + "/continue?delivery.timeout.ms=4000&request.timeout.ms=2000&max.block.ms=3000";
        Properties p = waly(log);
        p.setProperty("walyOnLogFailure", "continue");
        LogSource topic = LogProviders.source(log);
        int after = 0;
        try (Connection c = DriverManager.getConnection(walyUrl(db), p); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int PRIMARY KEY, v text)");
            s.execute("INSERT INTO t VALUES (1, 'before')");
            kafka.stop(1);
            kafka.stop(2);
            try {
                // a transaction whose COMMIT cannot be made durable commits unlogged; so do the writes after it
                c.setAutoCommit(false);
                s.execute("INSERT INTO t VALUES (2, 'while away')");
                s.execute("INSERT INTO t VALUES (3, 'while away')");
                c.commit();
                c.setAutoCommit(true);
                s.execute("INSERT INTO t VALUES (4, 'still away')");
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(4);
                }
            } finally {
                kafka.startAgain(1);
                kafka.startAgain(2);
            }
            long deadline = System.currentTimeMillis() + 60_000;
            do {
                after++;
                s.execute("INSERT INTO t VALUES (" + (10 + after) + ", 'after')");
                assertThat(System.currentTimeMillis()).as("logging resumed").isLessThan(deadline);
                Thread.sleep(200);
            } while (!statements(topic).contains("INSERT INTO t VALUES (" + (10 + after) + ", 'after')"));
        }
        List<String> logged = statements(topic);
        assertThat(logged).contains("INSERT INTO t VALUES (1, 'before')").doesNotContain("INSERT INTO t VALUES (4, 'still away')");
        String dst = pg.newDatabase("kafka_continue_dst");
        String[] replay = cli("replay", "--log", log, "--target", dst);
        assertThat(replay[2]).as(replay[1]).isEqualTo("0");
        assertThat(count(dst, "SELECT count(*) FROM t WHERE v IN ('while away', 'still away')")).isZero();
        assertThat(count(dst, "SELECT count(*) FROM t WHERE id = 1 OR id = " + (10 + after))).isEqualTo(2);
    }

    /**
     * Kafka's own settings in a location can hold secrets (a SASL password, a key store's): they never reach the log, an
     * error message or the command line's output, whether Kafka answers or not.
     */
    @Test
    void secretsInALocationAreNeitherLoggedNorShown() throws Exception {
        String secrets = "ssl.truststore.password=s3cret-1&sasl.jaas.config=" + java.net.URLEncoder.encode(
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"app\" password=\"s3cret-2\";",
                java.nio.charset.StandardCharsets.UTF_8);
        String db = pg.newDatabase("kafka_secrets");
        String log = "kafka://" + kafka.bootstrapServers() + "/secrets?" + secrets;
        try (Connection c = DriverManager.getConnection(walyUrl(db), waly(log)); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int PRIMARY KEY)");
            s.execute("INSERT INTO t VALUES (1)");
        }
        try (RecordReader r = LogProviders.source(log).open()) {
            LogRecord rec;
            while ((rec = r.next()) != null) {
                assertThat(new String(rec.payload(), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("s3cret");
            }
        }
        for (String command : List.of("verify", "inspect", "stats")) {
            String[] out = cli(command, "--log", log);
            assertThat(out[2]).as(command + out[1]).isEqualTo("0");
            assertThat(out[0] + out[1]).as(command).doesNotContain("s3cret");
        }

        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closed = socket.getLocalPort();
        }
        String away = "kafka://127.0.0.1:" + closed + "/secrets?default.api.timeout.ms=2000&request.timeout.ms=1000&" + secrets;
        assertThatThrownBy(() -> DriverManager.getConnection(walyUrl(db), waly(away)).close())
                .isInstanceOf(SQLException.class).hasMessageContaining("********").hasMessageNotContaining("s3cret")
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("58030");
        String[] out = cli("verify", "--log", away);
        assertThat(out[2]).isEqualTo("2");
        assertThat(out[0] + out[1]).contains("********").doesNotContain("s3cret");
    }

    /**
     * An instance that died between a COMMIT record acknowledged by Kafka and the database's answer (made here with the
     * records the driver writes, so that the moment is exact): its transactions are in doubt, a replay without the
     * source stops rather than guess, and with {@code --source} the database's {@code txid_status} decides each —
     * nothing undecidable.
     */
    @Test
    void transactionsInDoubtOnATopicAreDecidedByTheSource() throws Exception {
        String src = pg.newDatabase("kafka_doubt");
        try (Connection c = DriverManager.getConnection(src, "postgres", null); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (a int)");
        }
        String log = "kafka://" + kafka.bootstrapServers() + "/in-doubt";
        try (LogProvider.SinkHandle h = LogProviders.provider(log).acquire(log, new LogProvider.SinkOptions(Durability.FSYNC, 0))) {
            LogSink w = h.sink();
            w.append(RecordKind.OPENED, 0, new Payloads.Info(Map.of("writer", "waly-jdbc")).encode());
            long tx = w.append(RecordKind.BEGIN, LogSink.OWN_SEQ, new Payloads.Begin(1, -1, true, null, false).encode());
            long st = w.append(RecordKind.STATEMENT, tx, new Payloads.Statement("CREATE TABLE t (a int)", List.of(), null,
                    new Command.Sql("CREATE"), true, -1, null, 1).encode());
            w.append(RecordKind.OUTCOME, tx, Payloads.Outcome.ok(st, new long[] {0}, List.of()).encode());
            w.append(RecordKind.COMMIT, tx, new Payloads.Commit(-1).encode());
            w.sync(w.append(RecordKind.COMMITTED, tx, Payloads.End.COMMIT.encode()));
            for (int value : new int[] {1, 2}) {
                long dbTxid = sourceTransaction(src, value, value == 1);   // the database commits 1, rolls 2 back
                long t = w.append(RecordKind.BEGIN, LogSink.OWN_SEQ, new Payloads.Begin(1, dbTxid, false, null, false).encode());
                long s = w.append(RecordKind.STATEMENT, t, new Payloads.Statement("INSERT INTO t VALUES (" + value + ")", List.of(),
                        null, new Command.Sql("INSERT"), false, -1, null, 1).encode());
                w.append(RecordKind.OUTCOME, t, Payloads.Outcome.ok(s, new long[] {1}, List.of()).encode());
                w.sync(w.append(RecordKind.COMMIT, t, new Payloads.Commit(dbTxid).encode()));   // and then the process died
            }
        }
        String blind = pg.newDatabase("kafka_doubt_blind");
        String[] stopped = cli("replay", "--log", log, "--target", blind);
        assertThat(stopped[2]).as(stopped[0]).isEqualTo("1");
        assertThat(stopped[1]).contains("in doubt");
        String asked = pg.newDatabase("kafka_doubt_asked");
        String[] decided = cli("replay", "--log", log, "--target", asked, "--source", src);
        assertThat(decided[2]).as(decided[1]).isEqualTo("0");
        assertThat(count(asked, "SELECT count(*) FROM t")).isEqualTo(1);
        assertThat(count(asked, "SELECT count(*) FROM t WHERE a = 1")).isEqualTo(1);
    }

    /** An insert in a transaction of the source database, committed or rolled back; its txid. */
    static long sourceTransaction(String url, int value, boolean commit) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", null); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            long txid;
            try (ResultSet rs = s.executeQuery("SELECT txid_current()")) {
                rs.next();
                txid = rs.getLong(1);
            }
            s.executeUpdate("INSERT INTO t VALUES (" + value + ")");
            if (commit) c.commit();
            else c.rollback();
            return txid;
        }
    }

    @Test
    void aLocalLogMovesToATopicAndBack(@TempDir Path tmp) throws Exception {
        String db = pg.newDatabase("kafka_move");
        Path dir = tmp.resolve("local-log");
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("walyLogDir", dir.toString());
        p.setProperty("walyLogIdleMillis", "0");
        try (Connection c = DriverManager.getConnection(walyUrl(db), p); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE item (id serial PRIMARY KEY, name text, at timestamptz DEFAULT now())");
            for (int i = 0; i < 20; i++) s.execute("INSERT INTO item (name) VALUES ('local " + i + "')");
        }
        String log = "kafka://" + kafka.bootstrapServers() + "/moved";
        String[] copied = cli("copy", "--from", dir.toString(), "--to", log);
        assertThat(copied[2]).as(copied[1]).isEqualTo("0");
        String[] again = cli("copy", "--from", dir.toString(), "--to", log, "--json");   // nothing left to send
        assertThat(again[0]).contains("\"records\" : 0");
        // the topic's first stream is the directory, byte for byte: the same head
        String[] localHead = cli("verify", "--log", dir.toString(), "--json");
        String head = localHead[0].replaceAll("(?s).*\"head\" : \"([^\"]+)\".*", "$1");
        String hash = head.substring(head.indexOf(':') + 1);
        assertThat(LogProviders.source(log).verify(null).details().toString()).contains(hash);
        // the application moves to the topic and goes on writing
        try (Connection c = DriverManager.getConnection(walyUrl(db), waly(log)); Statement s = c.createStatement()) {
            for (int i = 0; i < 5; i++) s.execute("INSERT INTO item (name) VALUES ('kafka " + i + "')");
            s.execute("DELETE FROM item WHERE id % 7 = 0");
        }
        // and back into a directory: replaying either gives the source
        Path back = tmp.resolve("back");
        String[] out = cli("copy", "--from", log, "--to", back.toString());
        assertThat(out[2]).as(out[1]).isEqualTo("0");
        String[] verified = cli("verify", "--log", back.toString());
        assertThat(verified[2]).as(verified[0]).isEqualTo("0");
        for (String from : List.of(log, back.toString())) {
            String dst = pg.newDatabase("kafka_move_dst");
            String[] replay = cli("replay", "--log", from, "--target", dst);
            assertThat(replay[2]).as(replay[1]).isEqualTo("0");
            assertThat(checksums(dst)).as(from).isEqualTo(checksums(db));
        }
    }

    /**
     * Everything that reads a log reads a topic: a follower (stopped, then resumed from its cursor), the cut-over at N,
     * point in time by position and by time, inspect, stats, check, and MongoDB. The application writes through
     * {@link WalyDataSource} over a HikariCP pool, from three threads.
     */
    @Test
    void everyReaderReadsTheTopic() throws Exception {
        String src = pg.newDatabase("kafka_readers");
        String log = "kafka://" + kafka.bootstrapServers() + "/readers";
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(src);
        hc.setUsername("postgres");
        hc.setMaximumPoolSize(3);
        LogSource topic = LogProviders.source(log);
        Instant afterOne;
        String follow = pg.newDatabase("kafka_readers_follow");
        try (HikariDataSource pool = new HikariDataSource(hc)) {
            WalyDataSource ds = new WalyDataSource(pool);
            ds.setLog(log);
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE item (id serial PRIMARY KEY, name text NOT NULL, at timestamptz NOT NULL DEFAULT now())");
            }
            insert(ds, "one", 30);
            Thread.sleep(20);
            afterOne = Instant.now();
            Thread.sleep(20);

            // a follower applies what is committed while it runs; stopped, it resumes from its cursor later
            Replayer follower = new Replayer(topic, ReplayOptions.builder().follow(true).build());
            java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
            Thread f = new Thread(() -> {
                try {
                    follower.run(new PostgresTarget(follow));
                } catch (Throwable t) {
                    failed.set(t);
                }
            }, "follower");
            f.start();
            insert(ds, "two", 30);
            long deadline = System.currentTimeMillis() + 30_000;
            while (count(follow, "SELECT count(*) FROM item") < 60 && failed.get() == null) {
                assertThat(System.currentTimeMillis()).as("the follower applied phase two").isLessThan(deadline);
                Thread.sleep(50);
            }
            follower.stop();
            f.join(30_000);
            assertThat(failed.get()).isNull();

            insert(ds, "three", 30);
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("DELETE FROM item WHERE name LIKE 'two%'");   // the bad deploy
            }
        }

        // the cut-over: N where the log ends now; the follower's database finishes exactly there, from its cursor
        String stats = cli("stats", "--log", log, "--json")[0];
        long n = Long.parseLong(stats.replaceAll("(?s).*\"lastSeq\" : (\\d+).*", "$1"));
        assertThat(stats).contains("\"committed\" : 92");   // the schema, 90 inserts, the DELETE
        String[] cut = cli("replay", "--log", log, "--target", follow, "--to-seq", String.valueOf(n), "--json");
        assertThat(cut[2]).as(cut[1]).isEqualTo("0");
        assertThat(cut[0]).contains("\"resumed\" : true");
        assertThat(checksums(follow)).isEqualTo(checksums(src));

        // point in time: just before the DELETE that inspect finds, and by time after phase one
        String deleteLine = cli("inspect", "--log", log, "--table", "item")[0].lines()
                .filter(l -> l.contains("STATEMENT") && l.contains("DELETE FROM item")).findFirst().orElseThrow();
        long deleteSeq = Long.parseLong(deleteLine.trim().split("\\s+")[0]);
        String beforeDelete = pg.newDatabase("kafka_readers_pit");
        String[] pit = cli("replay", "--log", log, "--target", beforeDelete, "--to-seq", String.valueOf(deleteSeq - 1));
        assertThat(pit[2]).as(pit[1]).isEqualTo("0");
        assertThat(count(beforeDelete, "SELECT count(*) FROM item")).isEqualTo(90);
        String atTime = pg.newDatabase("kafka_readers_time");
        String[] timed = cli("replay", "--log", log, "--target", atTime, "--to-time", afterOne.toString());
        assertThat(timed[2]).as(timed[1]).isEqualTo("0");
        assertThat(count(atTime, "SELECT count(*) FROM item WHERE name LIKE 'one%'")).isEqualTo(30);
        assertThat(count(atTime, "SELECT count(*) FROM item")).isEqualTo(30);

        // the proven backup, on the topic
        String[] check = cli("check", "--log", log, "--source", src, "--scratch", pg.newDatabase("kafka_readers_scratch"));
        assertThat(check[2]).as(check[0] + check[1]).isEqualTo("0");

        // and into MongoDB: a document per row
        String uri = MongoFixture.shared().newDatabaseUri("kafkareaders");
        String[] mongo = cli("replay", "--log", log, "--target", uri);
        assertThat(mongo[2]).as(mongo[1]).isEqualTo("0");
        try (Connection c = DriverManager.getConnection(src, "postgres", null); MongoClient client = MongoFixture.shared().client()) {
            MongoDatabase db = client.getDatabase(new ConnectionString(uri).getDatabase());
            assertThat(RowsAndDocuments.differences(c, db, "item", CommandTranslator.MARKER, Json::parse)).isEmpty();
            assertThat(db.getCollection("item").countDocuments()).isEqualTo(60);
        }
    }

    /** {@code rows} rows named {@code name-i}, one autocommit insert each, from three threads. */
    static void insert(WalyDataSource ds, String name, int rows) throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 3; t++) {
            int thread = t;
            threads.add(new Thread(() -> {
                try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                    for (int i = thread; i < rows; i += 3) s.execute("INSERT INTO item (name) VALUES ('" + name + "-" + i + "')");
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) t.join();
        assertThat(errors).isEmpty();
    }

    /** The SQL of every STATEMENT on the topic, in order. */
    static List<String> statements(LogSource topic) {
        List<String> out = new ArrayList<>();
        try (RecordReader r = topic.open()) {
            LogRecord rec;
            while ((rec = r.next()) != null) {
                if (rec.kind() == RecordKind.STATEMENT) out.add(Payloads.Statement.decode(rec.payload()).sql());
            }
        }
        return out;
    }

    static long count(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", null); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) return 0;   // the follower has not created the table yet
            throw e;
        }
    }

    // ------------------------------------------------------------------ helpers

    static Map<String, String> checksums(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", null)) {
            return TableChecksums.of(c);
        }
    }

    /** Runs {@code waly args…} in this JVM: {stdout, stderr, exit code}. */
    static String[] cli(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int rc = cl.execute(args);
        return new String[] {out.toString(), err.toString(), String.valueOf(rc)};
    }

    /** A JVM running {@code main} with {@code jvm} options (its class path among them). */
    static Process child(Path stderr, List<String> jvm, Class<?> main, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx192m", "-XX:TieredStopAtLevel=1"));
        cmd.addAll(jvm);
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(stderr.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("WALY_") || k.equals("JAVA_TOOL_OPTIONS") || k.equals("JDK_JAVA_OPTIONS"));
        return pb.start();
    }

    /** A jar the build made for users to deploy (the paths are in the pom). */
    static String deployed(String property) {
        String path = System.getProperty(property);
        if (path == null || !Files.isRegularFile(Path.of(path))) {
            throw new IllegalStateException(property + ": no jar at " + path + " (mvn -pl compat-tests -am package builds it)");
        }
        return path;
    }

    static String jarOnClassPath(String prefix) {
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (Path.of(e).getFileName().toString().startsWith(prefix) && e.endsWith(".jar")) return e;
        }
        throw new IllegalStateException("no " + prefix + "*.jar on the class path");
    }

    static String join(String... paths) {
        return String.join(java.io.File.pathSeparator, paths);
    }

    static String awaitReady(Process p) throws Exception {
        var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
        long end = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < end) {
            if (r.ready()) return r.readLine();
            if (!p.isAlive()) return "exited " + p.exitValue();
            Thread.sleep(10);
        }
        return null;
    }
}
