package io.waly.compat.concurrency;

import io.waly.log.read.DirectoryLog;
import static org.assertj.core.api.Assertions.assertThat;

import io.waly.compat.support.RoundTrip;
import io.waly.jdbc.replay.PostgresTarget;
import io.waly.log.replay.ReplayListener;
import io.waly.log.replay.ReplayOptions;
import io.waly.log.replay.ReplaySummary;
import io.waly.log.replay.Replayer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live mirror is promotable at every committed point (issue "A restore you can trust"): while {@link ConcurrentBank}
 * writes through WAL-y on 8 threads, {@code waly replay --follow}'s library path keeps a standby, and the standby is
 * read again and again as it goes. At no moment may a sequence of the standby stand behind its table — a standby
 * promoted then would hand out a key it already holds. When the writers stop, the standby equals the source.
 */
class PromotableFollowerTest {

    @TempDir
    Path tmp;

    @Test
    void theStandbysSequencesAreNeverBehindItsTablesWhileItFollows() throws Exception {
        Path logDir = Files.createDirectories(tmp.resolve("log"));
        RoundTrip rt = new RoundTrip("promote", logDir);
        try {
            try (Connection c = rt.walyConnection()) {
                ConcurrentBank.createSchema(c);
            }
            AtomicLong caughtUpAt = new AtomicLong();   // when the follower last found nothing new in the log
            ReplayListener listener = new ReplayListener() {
                @Override
                public void waiting(ReplaySummary soFar) {
                    caughtUpAt.set(System.nanoTime());
                }
            };
            Replayer follower = new Replayer(new DirectoryLog(logDir), ReplayOptions.builder().follow(true).listener(listener).build());
            CompletableFuture<ReplaySummary> following = CompletableFuture.supplyAsync(() -> {
                try {
                    return follower.run(new PostgresTarget(rt.target));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            ConcurrentBank bank = new ConcurrentBank(rt.walyUrl(), 8, 150, 20261207L);
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                try {
                    bank.run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });

            List<String> behind = new ArrayList<>();
            int looks = 0;
            try (Connection standby = rt.targetConnection()) {
                while (!writing.isDone() && !following.isDone()) {
                    behind.addAll(RoundTrip.sequencesBehindTheirTables(standby));
                    looks++;
                }
            }
            writing.get(5, TimeUnit.MINUTES);
            long writersDone = System.nanoTime();
            long deadline = writersDone + TimeUnit.MINUTES.toNanos(2);
            while (caughtUpAt.get() <= writersDone && !following.isDone() && System.nanoTime() < deadline) {
                try (Connection standby = rt.targetConnection()) {
                    behind.addAll(RoundTrip.sequencesBehindTheirTables(standby));
                    looks++;
                }
                Thread.sleep(20);
            }
            follower.stop();
            ReplaySummary summary = following.get(1, TimeUnit.MINUTES);

            assertThat(looks).as("the standby was read while it followed").isGreaterThan(20);
            assertThat(behind).as("sequences behind their tables in the standby, at any moment").isEmpty();
            assertThat(summary.transactions).isGreaterThan(bank.committed.get());
            rt.assertTargetEqualsSource();
        } finally {
            rt.dropDatabases();
        }
    }
}
