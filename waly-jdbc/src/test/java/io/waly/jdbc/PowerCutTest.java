package io.waly.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.waly.jdbc.config.WalyConfig;
import io.waly.log.LogRecord;
import io.waly.log.format.RecordKind;
import io.waly.log.payload.Payloads;
import io.waly.log.read.LogVerifier;
import io.waly.log.read.SegmentReader;
import io.waly.log.storage.FileLogStorage;
import io.waly.log.storage.ForwardingSegmentFile;
import io.waly.log.storage.LogStorage;
import io.waly.testing.EmbeddedPostgresServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A power cut keeps of the log only what was forced: every transaction the database committed must have its COMMIT
 * record within what was forced before the database committed it (issue 17; design.md: nothing the database commits
 * may be missing from the log after any crash). Eight connections write in fsync durability — transactions whose first
 * write brings the txid ahead of it, autocommitted writes, rollbacks, failed statements — while a storage records
 * every force: what each segment held when it was forced, and when the force returned. The database records when it
 * committed each transaction ({@code track_commit_timestamp}). Then, for every COMMIT record whose transaction the
 * database committed, a force that covered the record returned before the database's commit; and the log cut at any
 * force (the unforced bytes dropped, as a power cut does) verifies, its committed transactions decidable by their txid.
 */
class PowerCutTest {

    @TempDir
    Path dir;

    /** One force: the segment, how many of its bytes were on the device after it, and when it returned. */
    record Force(Path file, long durable, long returnedMicros) {}

    /** The real files, with every force recorded. */
    static final class RecordingStorage implements LogStorage {
        final ConcurrentLinkedQueue<Force> forces = new ConcurrentLinkedQueue<>();

        @Override
        public SegmentFile open(Path file) throws IOException {
            SegmentFile f = FileLogStorage.INSTANCE.open(file);
            long[] end = {f.size()};   // the bytes written: the file's end, its preallocated zeros aside
            return new ForwardingSegmentFile(f) {
                @Override
                public void write(ByteBuffer bytes) throws IOException {
                    end[0] += bytes.remaining();
                    super.write(bytes);
                }

                @Override
                public void force() throws IOException {
                    long durable = end[0];
                    super.force();
                    forces.add(new Force(file, durable, micros(Instant.now())));
                }

                @Override
                public void truncate(long size) throws IOException {
                    super.truncate(size);
                    end[0] = size;
                }
            };
        }

        @Override
        public void syncDirectory(Path d) throws IOException {
            FileLogStorage.INSTANCE.syncDirectory(d);
        }
    }

    static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    }

    /** A COMMIT record: where it ends in its segment, and the transaction's txid. */
    record CommitAt(Path file, long end, long dbTxid) {}

    @Test
    void everyCommitTheDatabaseMadeWasForcedBeforeIt() throws Exception {
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.startRestartable()) {
            pg.execute("ALTER SYSTEM SET track_commit_timestamp = on");
            pg.restart();
            String url = pg.newDatabase("power_cut");
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE account (id int PRIMARY KEY, balance bigint NOT NULL CHECK (balance > -1000))");
                s.execute("INSERT INTO account SELECT g, 0 FROM generate_series(1, 50) g");
                s.execute("CREATE TABLE history (id bigserial PRIMARY KEY, account int, delta int, at timestamptz DEFAULT now())");
            }
            Path logDir = dir.resolve("log");
            RecordingStorage storage = new RecordingStorage();
            Properties props = new Properties();
            props.setProperty("walyLogDir", logDir.toString());
            props.setProperty("walyDurability", "fsync");
            WalyConfig config = WalyConfig.from(props).withStorage(storage);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                done.add(pool.submit(() -> {
                    Random r = new Random(seed);
                    try (Connection c = Connections.open(config, () -> DriverManager.getConnection(url))) {
                        for (int i = 0; i < 150; i++) work(c, r);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
            pool.shutdown();

            List<CommitAt> commits = commitRecords(logDir);
            Map<Long, Long> committedAt = commitTimes(url, commits);
            List<Force> forces = new ArrayList<>(storage.forces);
            assertThat(commits).hasSizeGreaterThan(800);
            assertThat(committedAt).as("the database committed most of them").hasSizeGreaterThan(commits.size() / 2);
            int checked = 0;
            for (CommitAt c : commits) {
                Long at = committedAt.get(c.dbTxid());
                if (at == null) continue;   // rolled back by the database (a failed commit): nothing to keep
                long forcedBy = Long.MAX_VALUE;
                for (Force f : forces) {
                    if (f.file().getFileName().equals(c.file().getFileName()) && f.durable() >= c.end()) {
                        forcedBy = Math.min(forcedBy, f.returnedMicros());
                    }
                }
                assertThat(forcedBy).as("txid %d: its COMMIT record forced before the database committed it", c.dbTxid())
                        .isLessThan(at);
                checked++;
            }
            assertThat(checked).isEqualTo(committedAt.size());

            // the log as a power cut at a few forces leaves it: the unforced bytes gone
            Random r = new Random(42);
            for (int i = 0; i < 5; i++) {
                Force cut = forces.get(r.nextInt(forces.size()));
                Path copy = dir.resolve("cut-" + i);
                Files.createDirectories(copy);
                try (Stream<Path> files = Files.list(logDir)) {
                    for (Path f : files.filter(f -> f.toString().endsWith(".wal")).toList()) {
                        int order = f.getFileName().toString().compareTo(cut.file().getFileName().toString());
                        if (order > 0) continue;   // segments begun after the cut
                        Path to = copy.resolve(f.getFileName());
                        Files.copy(f, to);
                        if (order == 0) {
                            try (var ch = java.nio.channels.FileChannel.open(to, java.nio.file.StandardOpenOption.WRITE)) {
                                ch.truncate(cut.durable());
                            }
                        }
                    }
                }
                assertThat(LogVerifier.verify(copy).ok()).as("the log cut at a force verifies").isTrue();
                java.util.Set<Long> kept = new java.util.HashSet<>();
                for (CommitAt c : commitRecords(copy)) kept.add(c.dbTxid());
                for (Map.Entry<Long, Long> e : committedAt.entrySet()) {
                    if (e.getValue() < cut.returnedMicros()) {
                        assertThat(kept).as("committed by the database before the power cut: in the log it left").contains(e.getKey());
                    }
                }
            }
        }
    }

    /** A transaction of the workload: a transfer, an autocommitted write, a rollback or a failing statement. */
    private static void work(Connection c, Random r) throws SQLException {
        int kind = r.nextInt(10);
        if (kind < 6) {
            c.setAutoCommit(false);
            int a = 1 + r.nextInt(50);
            int delta = r.nextInt(200) - 100;
            try (PreparedStatement up = c.prepareStatement("UPDATE account SET balance = balance + ? WHERE id = ?");
                 PreparedStatement hist = c.prepareStatement("INSERT INTO history (account, delta) VALUES (?, ?)")) {
                up.setInt(1, delta);
                up.setInt(2, a);
                up.executeUpdate();
                hist.setInt(1, a);
                hist.setInt(2, delta);
                hist.executeUpdate();
                if (kind == 5) c.rollback();
                else c.commit();
            } catch (SQLException e) {
                c.rollback();   // the CHECK refused a balance: the transaction goes
            }
            c.setAutoCommit(true);
        } else if (kind < 9) {
            try (PreparedStatement up = c.prepareStatement("UPDATE account SET balance = 0 WHERE id = ?")) {
                up.setInt(1, 1 + r.nextInt(50));
                up.executeUpdate();
            }
        } else {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO history (account, delta) VALUES (" + (1 + r.nextInt(50)) + ", 'x')");
            } catch (SQLException expected) {
                // 22P02: a statement that fails, autocommitted
            }
        }
    }

    private static List<CommitAt> commitRecords(Path logDir) throws IOException {
        List<CommitAt> out = new ArrayList<>();
        List<Path> segments;
        try (Stream<Path> files = Files.list(logDir)) {
            segments = files.filter(f -> f.toString().endsWith(".wal")).sorted().toList();
        }
        for (Path seg : segments) {
            try (SegmentReader r = SegmentReader.open(seg)) {
                while (r.next() == SegmentReader.Step.RECORD) {
                    LogRecord rec = r.record();
                    if (rec.kind() != RecordKind.COMMIT) continue;
                    long txid = Payloads.Commit.decode(rec.payload()).dbTxid();
                    if (txid >= 0) out.add(new CommitAt(seg, r.position(), txid));
                }
            }
        }
        return out;
    }

    /** When the database committed each transaction it did commit, in microseconds since the epoch. */
    private static Map<Long, Long> commitTimes(String url, List<CommitAt> commits) throws SQLException {
        Map<Long, Long> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement ps = c.prepareStatement("SELECT (extract(epoch FROM pg_catalog.pg_xact_commit_timestamp("
                     + "(? % 4294967296)::text::xid)) * 1000000)::bigint")) {
            for (CommitAt commit : commits) {
                ps.setLong(1, commit.dbTxid());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long at = rs.getLong(1);
                    if (!rs.wasNull()) out.put(commit.dbTxid(), at);
                }
            }
        }
        return out;
    }
}
