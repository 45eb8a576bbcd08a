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

        Random rnd = new Random(4242);
        List<Long> killedAt = new ArrayList<>();
        for (int point = 0; point < 4; point++) {
            String target = ShopLogs.newDatabase("kill_resume");
            long k = 1 + rnd.nextInt((int) (total * 3 / 4));
            Process p = child(shop.log(), target, List.of());
            try {
                long deadline = System.currentTimeMillis() + 60_000;
                while (p.isAlive() && ReplayCommandTest.cursorTransactionsOrZero(target) < k && System.currentTimeMillis() < deadline) {
                    Thread.sleep(1);
                }
            } finally {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
            long applied = ReplayCommandTest.cursorTransactionsOrZero(target);
            killedAt.add(applied);
            Cli.Run rest = Cli.run("replay", "--log", shop.log().toString(), "--target", target, "--json");
            assertThat(rest.exitCode()).as(rest.toString()).isZero();
            assertThat(ReplayCommandTest.JSON.readTree(rest.out()).get("transactions").asLong()).isEqualTo(total - applied);
            assertThat(ShopLogs.checksums(target)).as("killed after %d of %d", applied, total).isEqualTo(expected);
            assertThat(ReplayCommandTest.cursorTransactions(target)).isEqualTo(total);
        }
        assertThat(killedAt).as("kills that landed in the middle of a replay").filteredOn(a -> a < total).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void sigtermStopsAFollowerCleanlyWithASummary() throws Exception {
        ShopLog shop = ShopLogs.shared();
        String target = ShopLogs.newDatabase("kill_follow");
        Path out = Files.createTempFile("waly-follow", ".out");
        Process p = child(shop.log(), target, List.of("--follow"), out);
        try {
            long deadline = System.currentTimeMillis() + 60_000;
            long total = ReplayCommandTest.committedTransactions(shop.log());
            while (ReplayCommandTest.cursorTransactionsOrZero(target) < total && System.currentTimeMillis() < deadline) Thread.sleep(10);
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
