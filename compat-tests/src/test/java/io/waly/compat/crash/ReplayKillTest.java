package io.waly.compat.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.waly.compat.support.RoundTrip;
import io.waly.jdbc.replay.PostgresTarget;
import io.waly.log.replay.Replayer;
import io.waly.log.replay.ReplaySummary;
import io.waly.jdbc.replay.TableChecksums;
import io.waly.testing.EmbeddedPostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A replay process killed at 10 points and resumed gives the same result as one uninterrupted replay: the same tables
 * and the same sequences. The log is a mixed workload (DDL in the middle, savepoints, rollbacks, failing statements,
 * VACUUM outside any transaction, volatile defaults). Kills land at random times (mid-transaction, mid-commit) or
 * exactly after the n-th applied transaction; one target is killed three times before it is resumed.
 */
class ReplayKillTest {

    @TempDir
    static Path tmp;

    static Path log;
    static Map<String, String> reference;
    static Map<String, Long> referenceSequences;
    static long transactions;

    @BeforeAll
    static void writeLogAndReplayItOnce() throws Exception {
        log = tmp.resolve("log");
        RoundTrip rt = new RoundTrip("replaykill", log);
        try (Connection c = rt.walyConnection("walyDurability=none"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE item (id bigserial PRIMARY KEY, k int UNIQUE, v int, note text DEFAULT md5(random()::text))");
            Random r = new Random(42);
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO item (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = item.v + 1")) {
                for (int i = 0; i < 2000; i++) {
                    if (i == 600) {
                        c.setAutoCommit(true);
                        s.execute("ALTER TABLE item ADD COLUMN extra text DEFAULT 'x'");
                        s.execute("CREATE TABLE side (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at timestamptz DEFAULT now())");
                        s.execute("VACUUM item");
                    }
                    boolean tx = r.nextInt(3) == 0;
                    c.setAutoCommit(!tx);
                    ins.setInt(1, r.nextInt(800));
                    ins.setInt(2, i);
                    ins.executeUpdate();
                    if (tx) {
                        if (i > 600) s.executeUpdate("INSERT INTO side DEFAULT VALUES");
                        var sp = c.setSavepoint();
                        try {
                            s.executeUpdate("INSERT INTO item (k, v) VALUES (NULL, 1/0)");
                        } catch (java.sql.SQLException e) {
                            c.rollback(sp);
                        }
                        if (r.nextInt(8) == 0) c.rollback();
                        else c.commit();
                    } else if (r.nextInt(10) == 0) {
                        s.executeUpdate("DELETE FROM item WHERE k % 17 = " + r.nextInt(17));
                    }
                }
                c.setAutoCommit(true);
            }
        }
        String ref = rt.target;
        long started = System.nanoTime();
        ReplaySummary s = Replayer.replay(log, new PostgresTarget(ref));
        referenceMillis = Math.max(20, (System.nanoTime() - started) / 1_000_000);
        transactions = s.transactions;
        try (Connection c = DriverManager.getConnection(ref); Connection src = rt.sourceConnection()) {
            reference = TableChecksums.of(c);
            referenceSequences = TableChecksums.sequences(c);
            assertThat(reference).isEqualTo(TableChecksums.of(src));   // the uninterrupted replay is itself right
        }
    }

    private static void resumeAndCompare(String target) throws Exception {
        ReplaySummary s = Replayer.replay(log, new PostgresTarget(target));
        try (Connection c = DriverManager.getConnection(target)) {
            assertThat(TableChecksums.of(c)).isEqualTo(reference);
            assertThat(TableChecksums.sequences(c)).isEqualTo(referenceSequences);
        }
        assertThat(s.lastCommitSeq).isPositive();
    }

    /**
     * Positive: halt after that many applied transactions. Negative: SIGKILL after that many thousandths of the time an
     * uninterrupted replay takes (replay groups and batches, so its duration is measured, not assumed).
     */
    @ParameterizedTest(name = "[{index}] kill point {0}")
    @ValueSource(ints = {1, 2, 97, 450, 811, -40, -80, -150, -250, -400})
    void killedReplayResumesToTheSameResult(int point) throws Exception {
        String target = EmbeddedPostgresServer.shared().newDatabase("replaykill_dst");
        kill(target, point);
        resumeAndCompare(target);
    }

    @Test
    void killedThreeTimesThenResumed() throws Exception {
        String target = EmbeddedPostgresServer.shared().newDatabase("replaykill_thrice");
        for (int point : new int[] {-100, 5, -250}) kill(target, point);
        resumeAndCompare(target);
    }

    private static long referenceMillis;

    private void kill(String target, int point) throws Exception {
        try (Child child = new Child(tmp.resolve("replay-stderr.txt"), ReplayApp.class, log.toString(), target,
                String.valueOf(Math.max(point, 0)))) {
            assertThat(child.awaitLine(30_000)).isEqualTo("ready");
            if (point > 0) {
                assertThat(child.waitFor(120_000)).as("halted after %s transactions; stderr: %s", point, child.stderr())
                        .isEqualTo(CrashApp.HALTED);
            } else {
                Thread.sleep(Math.max(1, referenceMillis * -point / 1000));
                List<String> why = new ArrayList<>();
                if (!child.process.isAlive()) why.add("replay already finished before the kill: " + child.stderr());
                assertThat(why).isEmpty();
                child.kill();
            }
        }
    }
}
