package io.waly.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.waly.cli.ShopLogs.ShopLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Replay in a separate JVM, killed with SIGKILL at random points (mid-transaction included: nothing runs on the way
 * out), then resumed: the result equals an uninterrupted replay. And SIGTERM/SIGINT stop a follower cleanly.
 */
class ReplayKillTest {

    @Test
    void replayKilledInAChildJvmAtRandomPointsAndResumedEqualsAnUninterruptedReplay() throws Exception {
        ShopLog shop = ShopLogs.write("shop_kill", 3, 100, 2, 50, 11, "");
        String whole = ShopLogs.newDatabase("kill_whole");
        Cli.Run all = Cli.run("replay", "--log", shop.log().toString(), "--target", whole, "--json");
        assertThat(all.exitCode()).as(all.toString()).isZero();
        long total = ReplayCommandTest.JSON.readTree(all.out()).get("transactions").asLong();
        Map<String, String> expected = ShopLogs.checksums(whole);
        assertThat(expected).isEqualTo(shop.sourceChecksums());

        double replaySeconds = ReplayCommandTest.JSON.readTree(all.out()).get("seconds").asDouble();
        Random rnd = new Random(4242);
        int killedWhileRunning = 0;
        for (int point = 0; point < 5; point++) {
            String target = ShopLogs.newDatabase("kill_resume");
            Process p = child(shop.log(), target, List.of());
            boolean alive;
            try (Connection watch = DriverManager.getConnection(target)) {
                // the replay has started when its cursor exists; then kill it after a random part of a replay's time
                long deadline = System.currentTimeMillis() + 60_000;
                while (p.isAlive() && !cursorExists(watch) && System.currentTimeMillis() < deadline) Thread.sleep(1);
                Thread.sleep((long) (rnd.nextDouble() * replaySeconds * 800));
                alive = p.isAlive();
            } finally {
                p.destroyForcibly();      // SIGKILL: no shutdown hook, no rollback sent; whatever was in flight is lost
                p.waitFor(30, TimeUnit.SECONDS);
            }
            if (alive) killedWhileRunning++;
            long applied = ReplayCommandTest.cursorTransactionsOrZero(target, shop.log());
            Cli.Run rest = Cli.run("replay", "--log", shop.log().toString(), "--target", target, "--json");
            assertThat(rest.exitCode()).as(rest.toString()).isZero();
            assertThat(ReplayCommandTest.JSON.readTree(rest.out()).get("transactions").asLong()).isEqualTo(total - applied);
            assertThat(ShopLogs.checksums(target)).as("killed after %d of %d", applied, total).isEqualTo(expected);
            assertThat(ReplayCommandTest.cursorTransactions(target, shop.log())).isEqualTo(total);
        }
        assertThat(killedWhileRunning).as("kills that landed while the replay was running").isGreaterThanOrEqualTo(3);
    }

    @Test
    void sigtermStopsAFollowerCleanlyWithASummary() throws Exception {
        ShopLog shop = ShopLogs.shared();
        String target = ShopLogs.newDatabase("kill_follow");
        Path out = ShopLogs.tempDir("waly-follow").resolve("stdout.txt");
        Process p = child(shop.log(), target, List.of("--follow"), out);
        try {
            long deadline = System.currentTimeMillis() + 60_000;
            long total = ReplayCommandTest.committedTransactions(shop.log());
            while (ReplayCommandTest.cursorTransactionsOrZero(target, shop.log()) < total && System.currentTimeMillis() < deadline) Thread.sleep(10);
            Thread.sleep(300);   // idle, following
            p.destroy();         // SIGTERM: the shutdown hook stops replay after the current transaction
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        String printed = Files.readString(out);
        assertThat(printed).startsWith("replayed ").contains("stopped on request");
        assertThat(ShopLogs.checksums(target)).isEqualTo(shop.sourceChecksums());
    }

    /** A replay's cursor is a replication origin named for the log and this database. */
    static boolean cursorExists(Connection c) {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) > 0 FROM pg_replication_origin "
                + "WHERE roname LIKE 'waly:%:' || (SELECT oid FROM pg_database WHERE datname = current_database())")) {
            return rs.next() && rs.getBoolean(1);
        } catch (java.sql.SQLException e) {
            return false;
        }
    }

    static Process child(Path log, String target, List<String> extra) throws Exception {
        return child(log, target, extra, null);
    }

    static Process child(Path log, String target, List<String> extra, Path out) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", cp, "io.waly.cli.Main", "replay", "--log", log.toString(), "--target", target));
        cmd.addAll(extra);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.redirectOutput(out == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(out.toFile()));
        return pb.start();
    }

    static long count(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
