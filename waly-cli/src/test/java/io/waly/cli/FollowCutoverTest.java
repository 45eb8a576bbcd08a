package io.waly.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.waly.cli.command.ReplayCommand;
import io.waly.cli.demo.ShopWorkload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Follow mode and the cut-over recipe of waly-cli/README.md: a new version's database follows the old version's log
 * while it writes, within a second of each commit; the old version stops writing at N; replay reaches N; the new
 * version takes over.
 */
class FollowCutoverTest {

    /** The application's URL as in production: default (fsync) durability. */
    static String walyUrl(String pgUrl, Path log) {
        return pgUrl.replace("jdbc:postgresql:", "jdbc:waly:postgresql:") + "&walyLogDir=" + log;
    }

    @Test
    void followAppliesEachCommitWithinASecondAndTheCutOverAtNReproducesTheSource() throws Exception {
        followAndCutOver("&walyDurability=async");
    }

    /**
     * The same with the driver's default durability, where a transaction's COMMITTED record is handed to the OS at
     * once (without a force of its own): the last transaction before the application pauses reaches the follower too.
     */
    @Test
    void followWithFsyncDurability() throws Exception {
        followAndCutOver("");
    }

    void followAndCutOver(String durability) throws Exception {
        String source = ShopLogs.newDatabase("follow_src");
        String target = ShopLogs.newDatabase("follow_dst");
        Path log = ShopLogs.tempDir("waly-cli-follow");
        String waly = walyUrl(source, log) + durability;
        try (Connection c = DriverManager.getConnection(waly)) {
            ShopWorkload.createSchema(c, 5);
        }
        CommandLine cl = Main.commandLine();
        ReplayCommand follower = cl.getSubcommands().get("replay").getCommand();
        CompletableFuture<Cli.Run> running = CompletableFuture.supplyAsync(
                () -> Cli.run(cl, "replay", "--log", log.toString(), "--target", target, "--follow"));
        try (Connection app = DriverManager.getConnection(waly);
             PreparedStatement ins = app.prepareStatement("INSERT INTO account (owner, balance) VALUES (?, ?)");
             Connection mirror = DriverManager.getConnection(target);
             PreparedStatement seen = mirror.prepareStatement("SELECT count(*) FROM account WHERE owner = ?")) {
            waitFor(() -> count(seen, "customer-1") == 1 || running.isDone(), 20_000);   // caught up with the history
            assertThat(running).as(() -> "the follower ended: " + running.join()).isNotDone();
            long worst = 0;
            for (int i = 1; i <= 8; i++) {
                ins.setString(1, "live-" + i);
                ins.setInt(2, i);
                ins.executeUpdate();                                  // autocommit: committed when it returns
                long t0 = System.nanoTime();
                String owner = "live-" + i;
                waitFor(() -> count(seen, owner) == 1 || running.isDone(), 5_000);
                assertThat(running).as(() -> "the follower ended: " + running.join()).isNotDone();
                worst = Math.max(worst, (System.nanoTime() - t0) / 1_000_000);
            }
            assertThat(worst).as("slowest commit-to-replica latency in ms").isLessThan(1000);
            // a transaction with a savepoint rolled back, then committed
            app.setAutoCommit(false);
            try (Statement s = app.createStatement()) {
                s.executeUpdate("UPDATE account SET balance = balance + 1 WHERE owner = 'live-1'");
                java.sql.Savepoint sp = app.setSavepoint();
                s.executeUpdate("DELETE FROM account WHERE owner = 'live-2'");
                app.rollback(sp);
                app.commit();
            }
            app.setAutoCommit(true);
        }
        // cut-over: the old version has stopped writing; N is where its log ends
        long n = ReplayCommandTest.lastSeq(log);
        follower.stop();                                              // what SIGINT does: stop after the current transaction
        Cli.Run followed = running.get(30, TimeUnit.SECONDS);
        assertThat(followed.exitCode()).as(followed.toString()).isZero();
        assertThat(followed.out()).contains("stopped on request");
        Cli.Run toN = Cli.run("replay", "--log", log.toString(), "--target", target, "--to-seq", Long.toString(n));
        assertThat(toN.exitCode()).as(toN.toString()).isZero();
        assertThat(ShopLogs.checksums(target)).isEqualTo(ShopLogs.checksums(source));
        // the new version takes over on the target: its sequences are past every replayed key
        try (Connection c = DriverManager.getConnection(target); Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("INSERT INTO account (owner, balance) VALUES ('new-version', 1)")).isEqualTo(1);
            assertThat(s.executeUpdate("INSERT INTO orders (customer) VALUES ('new-version')")).isEqualTo(1);
        }
    }

    @Test
    void followToSeqStopsAtNWhetherTheLogGoesOnOrStops() throws Exception {
        String source = ShopLogs.newDatabase("cut_src");
        Path log = ShopLogs.tempDir("waly-cli-cut");
        String waly = walyUrl(source, log);
        try (Connection c = DriverManager.getConnection(waly)) {
            ShopWorkload.createSchema(c, 6);
        }
        ShopWorkload.run(() -> DriverManager.getConnection(waly), 2, 10, 1, 8, 6);
        Map<String, String> atN = ShopLogs.checksums(source);
        long n = ReplayCommandTest.lastSeq(log);

        // the old version goes on writing after N: the follower must end at N by itself
        String target = ShopLogs.newDatabase("cut_dst");
        CompletableFuture<Cli.Run> follower = CompletableFuture.supplyAsync(() ->
                Cli.run("replay", "--log", log.toString(), "--target", target, "--follow", "--to-seq", Long.toString(n)));
        ShopWorkload.run(() -> DriverManager.getConnection(waly), 2, 10, 1, 8, 7);
        Cli.Run r = follower.get(60, TimeUnit.SECONDS);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(ShopLogs.checksums(target)).isEqualTo(atN);

        // the old version stopped writing exactly at M: the follower sees that the log settled at M and ends
        long m = ReplayCommandTest.lastSeq(log);
        Map<String, String> atM = ShopLogs.checksums(source);
        Cli.Run r2 = CompletableFuture.supplyAsync(() ->
                Cli.run("replay", "--log", log.toString(), "--target", target, "--follow", "--to-seq", Long.toString(m)))
                .get(60, TimeUnit.SECONDS);
        assertThat(r2.exitCode()).as(r2.toString()).isZero();
        assertThat(ShopLogs.checksums(target)).isEqualTo(atM);
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void waitFor(Check check, long timeoutMillis) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!check.ok()) {
            if (System.currentTimeMillis() > deadline) throw new AssertionError("not within " + timeoutMillis + " ms");
            Thread.sleep(5);
        }
    }

    static long count(PreparedStatement ps, String owner) {
        try {
            ps.setString(1, owner);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (java.sql.SQLException e) {
            return -1;   // the table is not there yet
        }
    }
}
