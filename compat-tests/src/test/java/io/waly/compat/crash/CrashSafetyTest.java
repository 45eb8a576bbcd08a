package io.waly.compat.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.waly.compat.support.RoundTrip;
import io.waly.jdbc.replay.PostgresTarget;
import io.waly.log.replay.Replayer;
import io.waly.log.replay.ReplaySummary;
import io.waly.jdbc.replay.TableChecksums;
import io.waly.testing.EmbeddedPostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Crash safety: an application JVM writing through WAL-y with 8 threads is killed at 20 points — random times
 * (SIGKILL from here) and targeted moments (the application halts itself there, see {@link CrashApp}). The database
 * keeps running. After each kill:
 * <ol>
 *   <li>the log verifies (a torn tail is allowed, corruption is not);</li>
 *   <li>replay into a fresh database, in-doubt transactions decided by the source's {@code txid_status} (the
 *       documented rule), equals the source exactly: every table, every sequence at or past its table's maximum;</li>
 *   <li>a new writer opens the log (recovery: torn tail cut, in-doubt transactions resolved and logged), writes, and
 *       a replay <em>without</em> the source equals the source too.</li>
 * </ol>
 * The soak profile repeats the 20 points with other seeds.
 */
class CrashSafetyTest {

    @TempDir
    Path tmp;

    static Stream<Arguments> points() {
        List<Arguments> out = new ArrayList<>();
        int rounds = Boolean.getBoolean("waly.compat.soak") ? 4 : 1;
        for (int round = 0; round < rounds; round++) {
            Random r = new Random(9000 + round);
            for (int i = 0; i < 7; i++) out.add(Arguments.of("sigkill-after-ms:" + (300 + r.nextInt(2700)), round));
            out.add(Arguments.of("log-bytes:" + (100_000 + r.nextInt(200_000)), round));
            out.add(Arguments.of("commits:" + (20 + r.nextInt(100)), round));
            out.add(Arguments.of("commits:" + (200 + r.nextInt(300)), round));
            out.add(Arguments.of("before-db-commit:" + (10 + r.nextInt(60)), round));
            out.add(Arguments.of("before-db-commit:" + (150 + r.nextInt(300)), round));
            out.add(Arguments.of("after-db-commit:" + (10 + r.nextInt(60)), round));
            out.add(Arguments.of("after-db-commit:" + (150 + r.nextInt(300)), round));
            out.add(Arguments.of("mid-append:" + (50 + r.nextInt(300)), round));
            out.add(Arguments.of("mid-append:" + (800 + r.nextInt(1500)), round));
            out.add(Arguments.of("mid-fsync:" + (5 + r.nextInt(40)), round));
            out.add(Arguments.of("mid-fsync:" + (100 + r.nextInt(200)), round));
            out.add(Arguments.of("rollover-before:" + (2 + r.nextInt(2)), round));
            out.add(Arguments.of("rollover-after:" + (2 + r.nextInt(2)), round));
        }
        return out.stream();
    }

    static void createSchema(String walyUrl) throws Exception {
        try (Connection c = DriverManager.getConnection(walyUrl); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE account (id int PRIMARY KEY, balance bigint NOT NULL)");
            s.execute("INSERT INTO account SELECT g, 1000 FROM generate_series(0, " + (CrashApp.ACCOUNTS - 1) + ") g");
            s.execute("CREATE TABLE ledger (id bigserial PRIMARY KEY, thread int, n int, amount int, "
                    + "note text DEFAULT md5(random()::text), at timestamptz DEFAULT clock_timestamp())");
        }
    }

    /** A killed client's backends end when the server notices the closed socket; replay asks about them after. */
    static void awaitNoOtherBackends(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            for (int i = 0; i < 1000; i++) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        + "AND pid <> pg_backend_pid()")) {
                    rs.next();
                    if (rs.getLong(1) == 0) return;
                }
                Thread.sleep(10);
            }
        }
        throw new AssertionError("the killed application's backends did not end");
    }

    @ParameterizedTest(name = "[{index}] {0} (round {1})")
    @MethodSource("points")
    void killedApplicationLosesNothingAndInventsNothing(String point, int round) throws Exception {
        Path logDir = tmp.resolve("log");
        RoundTrip rt = new RoundTrip("crash", logDir);
        createSchema(rt.walyUrl("walyLogIdleMillis=0"));   // closed before the child, another process, opens the log

        boolean fromOutside = point.startsWith("sigkill-after-ms:");
        String childPoint = fromOutside ? "none" : point;
        try (Child child = new Child(tmp.resolve("stderr.txt"), CrashApp.class, rt.source, logDir.toString(), childPoint,
                String.valueOf(round * 1000 + point.hashCode()))) {
            assertThat(child.awaitLine(30_000)).as("child started; stderr: %s", child.stderr()).isEqualTo("ready");
            if (fromOutside) {
                Thread.sleep(Long.parseLong(point.substring(point.indexOf(':') + 1)));
                assertThat(child.process.isAlive()).as("still running when killed; stderr: %s", child.stderr()).isTrue();
                child.kill();
            } else {
                int status = child.waitFor(90_000);
                assertThat(status).as("the targeted moment %s was reached (exit %s); stderr: %s", point, CrashApp.HALTED,
                        child.stderr()).isEqualTo(CrashApp.HALTED);
            }
        }
        awaitNoOtherBackends(rt.source);
        long committed = rt.count("SELECT count(*) FROM ledger");
        assertThat(rt.count("SELECT sum(balance) FROM account")).isEqualTo(1000L * CrashApp.ACCOUNTS);

        // 1-2: the log as the crash left it, in-doubt decided by the source
        RoundTrip.assertLogReadableAfterCrash(logDir);
        ReplaySummary s = rt.replay();
        rt.assertTargetEqualsSource();
        assertThat(s.transactions).isPositive();

        // 3: a new writer recovers the log and goes on; replay needs no source any more
        try (Connection c = rt.walyConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO ledger (thread, n, amount) VALUES (-1, 0, 0)");
        }
        RoundTrip.assertLogVerifies(logDir);
        String target2 = rt.server.newDatabase("crash_dst2");
        Replayer.replay(logDir, new PostgresTarget(target2));
        try (Connection a = rt.sourceConnection(); Connection b = DriverManager.getConnection(target2)) {
            assertThat(TableChecksums.of(b)).isEqualTo(TableChecksums.of(a));
            assertThat(RoundTrip.sequencesBehindTheirTables(b)).isEmpty();
        }
        assertThat(rt.count("SELECT count(*) FROM ledger")).isEqualTo(committed + 1);
    }
}
