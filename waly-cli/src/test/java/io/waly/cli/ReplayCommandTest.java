package io.waly.cli;

import io.waly.log.read.DirectoryLog;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waly.cli.ShopLogs.ShopLog;
import io.waly.cli.demo.ShopWorkload;
import io.waly.jdbc.replay.TableChecksums;
import io.waly.jdbc.replay.PostgresTarget;
import io.waly.log.LogRecord;
import io.waly.log.replay.ReplayPosition;
import io.waly.log.read.LogReader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReplayCommandTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void replayReproducesTheSource() throws Exception {
        ShopLog shop = ShopLogs.shared();
        String target = ShopLogs.newDatabase("replay_full");
        Cli.Run run = Cli.run("replay", "--log", shop.log().toString(), "--target", target);
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith("replayed ").contains("transactions").endsWith("\n");
        assertThat(run.out().lines()).hasSize(1);
        assertThat(run.err()).as("nothing on stderr when it is not a terminal").isEmpty();
        assertThat(ShopLogs.checksums(target)).isEqualTo(shop.sourceChecksums());
        // a second run finds the cursor at the end and applies nothing
        Cli.Run again = Cli.run("replay", "--log", shop.log().toString(), "--target", target, "--json");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        JsonNode j = JSON.readTree(again.out());
        assertThat(j.get("ok").asBoolean()).isTrue();
        assertThat(j.get("resumed").asBoolean()).isTrue();
        assertThat(j.get("transactions").asLong()).isZero();
    }

    /**
     * Replay stopped after k transactions (k at 10 random points) and started again equals a replay that ran through:
     * same tables, same sequences, same cursor; nothing applied twice, nothing skipped.
     */
    @Test
    void replayStoppedAtTenRandomPointsAndResumedEqualsAnUninterruptedOne() throws Exception {
        ShopLog shop = ShopLogs.shared();
        String whole = ShopLogs.newDatabase("replay_whole");
        Cli.Run all = Cli.run("replay", "--log", shop.log().toString(), "--target", whole, "--json");
        assertThat(all.exitCode()).as(all.toString()).isZero();
        long total = JSON.readTree(all.out()).get("transactions").asLong();
        assertThat(total).isGreaterThan(50);
        Map<String, String> expected = ShopLogs.checksums(whole);
        Map<String, Long> expectedSequences = sequences(whole);

        Random rnd = new Random(20261124);
        for (int point = 0; point < 10; point++) {
            long k = 1 + rnd.nextInt((int) total - 1);
            String target = ShopLogs.newDatabase("replay_resume");
            Cli.Run first = Cli.run("replay", "--log", shop.log().toString(), "--target", target, "--stop-after", Long.toString(k), "--json");
            assertThat(first.exitCode()).as(first.toString()).isZero();
            assertThat(JSON.readTree(first.out()).get("transactions").asLong()).isEqualTo(k);
            assertThat(cursorTransactions(target, shop.log())).isEqualTo(k);
            Cli.Run rest = Cli.run("replay", "--log", shop.log().toString(), "--target", target, "--json");
            assertThat(rest.exitCode()).as(rest.toString()).isZero();
            JsonNode r = JSON.readTree(rest.out());
            assertThat(r.get("resumed").asBoolean()).isTrue();
            assertThat(r.get("transactions").asLong()).as("stopped after %d", k).isEqualTo(total - k);
            assertThat(ShopLogs.checksums(target)).as("stopped after %d", k).isEqualTo(expected);
            assertThat(sequences(target)).as("stopped after %d", k).isEqualTo(expectedSequences);
            assertThat(cursorTransactions(target, shop.log())).isEqualTo(total);
        }
        assertThat(expected).isEqualTo(shop.sourceChecksums());
    }

    @Test
    void pointInTimeBySequenceAndByTime() throws Exception {
        String source = ShopLogs.newDatabase("pitr_src");
        Path log = ShopLogs.tempDir("waly-cli-pitr");
        String waly = ShopLogs.walyUrl(source, log);
        try (Connection c = DriverManager.getConnection(waly)) {
            ShopWorkload.createSchema(c, 3);
        }
        ShopWorkload.run(() -> DriverManager.getConnection(waly), 2, 15, 1, 10, 3);
        Map<String, String> before = ShopLogs.checksums(source);
        long seq = lastSeq(log);
        Thread.sleep(20);
        Instant between = Instant.now();
        Thread.sleep(20);
        ShopWorkload.run(() -> DriverManager.getConnection(waly), 2, 15, 1, 10, 4);
        try (Connection c = DriverManager.getConnection(waly); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM transfer WHERE amount > 10");   // the mistake to undo
        }
        assertThat(ShopLogs.checksums(source)).isNotEqualTo(before);

        String bySeq = ShopLogs.newDatabase("pitr_seq");
        Cli.Run s = Cli.run("replay", "--log", log.toString(), "--target", bySeq, "--to-seq", Long.toString(seq));
        assertThat(s.exitCode()).as(s.toString()).isZero();
        assertThat(s.out()).contains("--to-seq " + seq);
        assertThat(ShopLogs.checksums(bySeq)).isEqualTo(before);

        String byTime = ShopLogs.newDatabase("pitr_time");
        Cli.Run t = Cli.run("replay", "--log", log.toString(), "--target", byTime, "--to-time", between.toString());
        assertThat(t.exitCode()).as(t.toString()).isZero();
        assertThat(ShopLogs.checksums(byTime)).isEqualTo(before);

        // the same time written with an offset names the same moment
        String byOffset = ShopLogs.newDatabase("pitr_offset");
        String withOffset = between.atOffset(java.time.ZoneOffset.ofHours(2)).toString();
        Cli.Run o = Cli.run("replay", "--log", log.toString(), "--target", byOffset, "--to-time", withOffset);
        assertThat(o.exitCode()).as(o.toString()).isZero();
        assertThat(ShopLogs.checksums(byOffset)).isEqualTo(before);

        // and the rest of the log, resumed from the cursor, reaches the source's end state
        Cli.Run rest = Cli.run("replay", "--log", log.toString(), "--target", bySeq);
        assertThat(rest.exitCode()).as(rest.toString()).isZero();
        assertThat(ShopLogs.checksums(bySeq)).isEqualTo(ShopLogs.checksums(source));
    }

    /** --from-seq N: a target restored from a snapshot taken at N-1 (no cursor) continues from N. */
    @Test
    void fromSeqContinuesASnapshotAndRefusesWhatWouldSkipOrMix() throws Exception {
        ShopLog shop = ShopLogs.shared();
        String log = shop.log().toString();
        long end = lastSeq(shop.log());
        long n = end / 2;
        // the "snapshot": a replay up to N-1, its cursor then dropped (as a pg_dump of the source taken at N-1 would be)
        String target = ShopLogs.newDatabase("from_seq");
        assertThat(Cli.run("replay", "--log", log, "--target", target, "--to-seq", Long.toString(n - 1)).exitCode()).isZero();
        try (Connection c = DriverManager.getConnection(target); Statement s = c.createStatement()) {
            s.execute("SELECT pg_replication_origin_drop(roname) FROM pg_replication_origin WHERE roname LIKE 'waly:%:' "
                    + "|| (SELECT oid FROM pg_database WHERE datname = current_database())");
        }
        Cli.Run plain = Cli.run("replay", "--log", log, "--target", target);
        assertThat(plain.exitCode()).as("a non-empty target without a cursor is refused").isEqualTo(2);
        assertThat(plain.err()).contains("not empty").contains("--force");

        Cli.Run from = Cli.run("replay", "--log", log, "--target", target, "--from-seq", Long.toString(n));
        assertThat(from.exitCode()).as(from.toString()).isZero();
        assertThat(from.out()).contains("started after sequence " + (n - 1));
        assertThat(ShopLogs.checksums(target)).isEqualTo(shop.sourceChecksums());
        // run again with the same option: resumes from the cursor, applies nothing
        Cli.Run again = Cli.run("replay", "--log", log, "--target", target, "--from-seq", Long.toString(n), "--json");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(JSON.readTree(again.out()).get("transactions").asLong()).isZero();

        // a cursor before N-1 would skip transactions: refused
        String early = ShopLogs.newDatabase("from_seq_early");
        assertThat(Cli.run("replay", "--log", log, "--target", early, "--to-seq", "40").exitCode()).isZero();
        Cli.Run skip = Cli.run("replay", "--log", log, "--target", early, "--from-seq", Long.toString(n));
        assertThat(skip.exitCode()).isEqualTo(2);
        assertThat(skip.err()).contains("would skip");

        // an empty target cannot hold what was committed before N
        String empty = ShopLogs.newDatabase("from_seq_empty");
        Cli.Run none = Cli.run("replay", "--log", log, "--target", empty, "--from-seq", Long.toString(n));
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("holds no data");

        Cli.Run dry = Cli.run("replay", "--log", log, "--dry-run", "--from-seq", Long.toString(n));
        assertThat(dry.exitCode()).as(dry.toString()).isZero();
        assertThat(dry.out()).startsWith("dry run: would replay");
    }

    @Test
    void aStatementThatFailsOnTheTargetStopsReplayWithSeqSqlAndBothOutcomes() throws Exception {
        ShopLog shop = ShopLogs.shared();
        String target = ShopLogs.newDatabase("replay_conflict");
        try (Connection c = DriverManager.getConnection(target); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE product (id int PRIMARY KEY)");   // in the way of the log's CREATE TABLE product
        }
        Cli.Run run = Cli.run("replay", "--log", shop.log().toString(), "--target", target, "--force");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("statement ").contains("failed on the target although it succeeded")
                .contains("SQL: CREATE TABLE product").contains("42P07").contains("Nothing of its transaction was applied");
        // the transactions before it were applied and the cursor stands before the failing one
        try (Connection c = DriverManager.getConnection(target); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_name = 'transfer'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
        Cli.Run json = Cli.run("replay", "--log", shop.log().toString(), "--target", target, "--json");
        assertThat(json.exitCode()).isEqualTo(1);
        JsonNode j = JSON.readTree(json.out());
        assertThat(j.get("ok").asBoolean()).isFalse();
        assertThat(j.get("seq").asLong()).isPositive();
        assertThat(j.get("exitCode").asInt()).isEqualTo(1);
    }

    @Test
    void usageAndEnvironmentErrorsExitTwo() throws Exception {
        ShopLog shop = ShopLogs.shared();
        String log = shop.log().toString();
        String target = ShopLogs.newDatabase("replay_usage");
        assertThat(Cli.run("replay", "--log", log).exitCode()).isEqualTo(2);
        assertThat(Cli.run("replay", "--log", "/nonexistent/waly", "--target", target).exitCode()).isEqualTo(2);
        assertThat(Cli.run("replay", "--log", log, "--target", target, "--to-seq", "5", "--to-time", "2026-01-01T00:00:00Z").exitCode()).isEqualTo(2);
        Cli.Run badTime = Cli.run("replay", "--log", log, "--target", target, "--to-time", "2026-01-01 10:00");
        assertThat(badTime.exitCode()).isEqualTo(2);
        assertThat(badTime.err()).contains("ISO-8601");
        Cli.Run noZone = Cli.run("replay", "--log", log, "--target", target, "--to-time", "2026-01-01T10:00:00");
        assertThat(noZone.exitCode()).isEqualTo(2);
        assertThat(Cli.run("replay", "--log", log, "--target", target, "--in-doubt", "guess").exitCode()).isEqualTo(2);
        Cli.Run mongo = Cli.run("replay", "--log", log, "--target", "mongodb://127.0.0.1:1/");
        assertThat(mongo.exitCode()).as(mongo.toString()).isEqualTo(2);
        assertThat(mongo.err()).contains("must name a database");
        Cli.Run waly = Cli.run("replay", "--log", log, "--target", "jdbc:waly:postgresql://127.0.0.1/x?password=s3cret");
        assertThat(waly.exitCode()).isEqualTo(2);
        assertThat(waly.err()).doesNotContain("s3cret");
        Cli.Run unreachable = Cli.run("replay", "--log", log, "--target", "jdbc:postgresql://127.0.0.1:1/none?user=x&password=s3cret");
        assertThat(unreachable.exitCode()).isEqualTo(2);
        assertThat(unreachable.err()).contains("database error").doesNotContain("s3cret");
        assertThat(Cli.run("replay", "--log", log, "--target", target, "--no-such-option").exitCode()).isEqualTo(2);
    }

    @Test
    void dryRunWritesNothing() throws Exception {
        ShopLog shop = ShopLogs.shared();
        Cli.Run dry = Cli.run("replay", "--log", shop.log().toString(), "--dry-run", "--json");
        assertThat(dry.exitCode()).as(dry.toString()).isZero();
        JsonNode j = JSON.readTree(dry.out());
        assertThat(j.get("dryRun").asBoolean()).isTrue();
        assertThat(j.get("transactions").asLong()).isPositive();
    }

    static long lastSeq(Path log) {
        long last = 0;
        try (LogReader r = LogReader.open(log)) {
            LogRecord rec;
            while ((rec = r.next()) != null) last = rec.seq();
        }
        return last;
    }

    /** How many of the log's committed transactions the target's cursor says it holds. */
    static long cursorTransactions(String url, Path log) throws Exception {
        ReplayPosition at;
        try (Connection c = DriverManager.getConnection(url)) {
            at = PostgresTarget.cursor(c, new DirectoryLog(log).logIdHex());
        }
        if (at == null) return 0;
        long n = 0;
        try (io.waly.log.tx.TransactionReader t = io.waly.log.tx.TransactionReader.open(new DirectoryLog(log), 1, 0,
                io.waly.log.tx.InDoubtResolver.NONE)) {
            io.waly.log.tx.Transaction tx;
            while ((tx = t.next()) != null && tx.commitSeq() <= at.commitSeq()) if (!tx.sequencesOnly()) n++;
        }
        return n;
    }

    static long cursorTransactionsOrZero(String url, Path log) {
        try {
            return cursorTransactions(url, log);
        } catch (Exception e) {
            return 0;   // no cursor table yet
        }
    }

    /** How many transactions a replay of the whole log applies. */
    static long committedTransactions(Path log) {
        long n = 0;
        try (io.waly.log.tx.TransactionReader t = io.waly.log.tx.TransactionReader.open(new DirectoryLog(log), 1, 0, io.waly.log.tx.InDoubtResolver.NONE)) {
            io.waly.log.tx.Transaction tx;
            while ((tx = t.next()) != null) if (!tx.sequencesOnly()) n++;
        }
        return n;
    }

    static Map<String, Long> sequences(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url)) {
            return TableChecksums.sequences(c);
        }
    }
}
