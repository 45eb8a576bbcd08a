package io.waly.cli.bench;

import io.waly.cli.demo.ShopWorkload;
import io.waly.jdbc.replay.PostgresTarget;
import io.waly.log.replay.Replayer;
import io.waly.log.replay.ReplaySummary;
import io.waly.jdbc.replay.TableChecksums;
import io.waly.testing.EmbeddedPostgresServer;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.Comparator;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Restore time and replay speed, for BENCHMARKS.md ("Replay / restore"). Not a test: run it with
 * {@code mvn -B -pl waly-cli -am -Pcli-bench verify -DskipTests}.
 *
 * <ol>
 *   <li><b>Rows</b>: {@code tx} transactions of {@code batch} rows each (a JDBC batch of INSERTs, the way a loader or an
 *       ORM flush writes) are written through WAL-y; then the log is replayed into an empty database, and the same rows
 *       are loaded into another empty database by a plain JDBC batch loader, with the same transaction boundaries
 *       (one {@code executeBatch} and one commit per source transaction). Both end with equal table checksums.</li>
 *   <li><b>OLTP</b>: the shop workload (small transactions, savepoints, rollbacks) is replayed; restore time per
 *       million transactions and per GB of log.</li>
 * </ol>
 * Sizes: {@code -Dbench.tx=2000 -Dbench.batch=50 -Dbench.shop=400}. The PostgreSQL server is durable (fsync on),
 * as production is.
 */
public final class ReplayBenchmark {

    public static void main(String[] args) throws Exception {
        int tx = Integer.getInteger("bench.tx", 2000);
        int batch = Integer.getInteger("bench.batch", 50);
        int shop = Integer.getInteger("bench.shop", 400);
        System.out.printf(Locale.ROOT, "Replay benchmark: %d transactions × %d rows; shop workload %d transfers per thread; %s, %d CPUs%n",
                tx, batch, shop, System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors());
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(true)) {
            rows(pg, tx, batch);
            oltp(pg, shop);
        }
    }

    static final String TABLE = "CREATE TABLE bench_row (id bigint PRIMARY KEY, account int NOT NULL, amount numeric(12,2) NOT NULL, "
            + "note text, at timestamptz NOT NULL)";
    static final String INSERT = "INSERT INTO bench_row (id, account, amount, note, at) VALUES (?, ?, ?, ?, ?)";

    static void rows(EmbeddedPostgresServer pg, int tx, int batch) throws Exception {
        Path log = Files.createTempDirectory("waly-bench-rows");
        try {
            String source = pg.newDatabase("bench_src");
            String waly = source.replace("jdbc:postgresql:", "jdbc:waly:postgresql:") + "&walyLogDir=" + log + "&walyDurability=async";
            long t0 = System.nanoTime();
            try (Connection c = DriverManager.getConnection(waly)) {
                try (Statement s = c.createStatement()) {
                    s.execute(TABLE);
                }
                load(c, tx, batch);
            }
            double write = secs(t0);
            long rows = (long) tx * batch;
            long bytes = bytes(log);

            // warm-up: one untimed replay, so that neither measured replay pays for the JIT
            Replayer.replay(log, new PostgresTarget(pg.newDatabase("bench_warmup")));
            // waly replay as it runs by default: every target commit waits for the WAL flush, as the loader's do
            String replayTarget = pg.newDatabase("bench_replay");
            ReplaySummary s = Replayer.replay(log, new PostgresTarget(replayTarget));
            double replay = s.seconds();

            String loaderTarget = pg.newDatabase("bench_loader");
            double loader;
            try (Connection c = DriverManager.getConnection(loaderTarget)) {
                try (Statement st = c.createStatement()) {
                    st.execute(TABLE);
                }
                long l0 = System.nanoTime();
                load(c, tx, batch);
                loader = secs(l0);
            }
            // the same rows again, one executeUpdate (one round trip) per row: what replay does today
            String singleTarget = pg.newDatabase("bench_single");
            double single;
            try (Connection c = DriverManager.getConnection(singleTarget)) {
                try (Statement st = c.createStatement()) {
                    st.execute(TABLE);
                }
                long l0 = System.nanoTime();
                loadRowByRow(c, tx, batch);
                single = secs(l0);
            }
            String equal;
            try (Connection a = DriverManager.getConnection(replayTarget); Connection b = DriverManager.getConnection(loaderTarget);
                 Connection d = DriverManager.getConnection(singleTarget)) {
                var ra = TableChecksums.of(a);
                equal = ra.equals(TableChecksums.of(b)) && ra.equals(TableChecksums.of(d)) ? "equal" : "DIFFERENT";
            }
            System.out.printf(Locale.ROOT, "%nRows: %,d rows in %,d transactions (JDBC batches of %d), log %.1f MB (written through WAL-y in %.1f s)%n",
                    rows, tx, batch, bytes / 1e6, write);
            System.out.printf(Locale.ROOT, "  waly replay        %8.2f s  %,10.0f rows/s  %,8.0f tx/s%n", replay, rows / replay, s.transactions / replay);
            System.out.printf(Locale.ROOT, "  JDBC batch loader  %8.2f s  %,10.0f rows/s  %,8.0f tx/s%n", loader, rows / loader, tx / loader);
            System.out.printf(Locale.ROOT, "  JDBC row by row    %8.2f s  %,10.0f rows/s  %,8.0f tx/s   (one executeUpdate per row)%n",
                    single, rows / single, tx / single);
            System.out.printf(Locale.ROOT, "  replay / loader    %8.2f×  (replay / row-by-row %.2f×; tables %s)%n",
                    loader / replay, single / replay, equal);
            System.out.printf(Locale.ROOT, "  restore time       %8.1f s per GB of log, %.0f s per million transactions%n",
                    replay / (bytes / 1e9), replay / (s.transactions / 1e6));
        } finally {
            delete(log);
        }
    }

    /** The same rows every time: a seeded generator, one batch and one commit per transaction. */
    static void load(Connection c, int tx, int batch) throws Exception {
        load(c, tx, batch, true);
    }

    /** The same rows as {@link #load}, one statement execution per row: a round trip each. */
    static void loadRowByRow(Connection c, int tx, int batch) throws Exception {
        load(c, tx, batch, false);
    }

    private static void load(Connection c, int tx, int batch, boolean batched) throws Exception {
        Random rnd = new Random(1);
        c.setAutoCommit(false);
        long id = 0;
        long base = 1_790_000_000_000L;
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            for (int t = 0; t < tx; t++) {
                for (int i = 0; i < batch; i++) {
                    id++;
                    ps.setLong(1, id);
                    ps.setInt(2, rnd.nextInt(10_000));
                    ps.setBigDecimal(3, BigDecimal.valueOf(rnd.nextInt(1_000_000), 2));
                    ps.setString(4, "payment " + Long.toHexString(rnd.nextLong()));
                    ps.setTimestamp(5, new Timestamp(base + id * 1000));
                    if (batched) ps.addBatch();
                    else ps.executeUpdate();
                }
                if (batched) ps.executeBatch();
                c.commit();
            }
        }
        c.setAutoCommit(true);
    }

    static void oltp(EmbeddedPostgresServer pg, int transfers) throws Exception {
        Path log = Files.createTempDirectory("waly-bench-shop");
        try {
            String source = pg.newDatabase("bench_shop");
            String waly = source.replace("jdbc:postgresql:", "jdbc:waly:postgresql:") + "&walyLogDir=" + log + "&walyDurability=async";
            try (Connection c = DriverManager.getConnection(waly)) {
                ShopWorkload.createSchema(c, 1);
            }
            ShopWorkload.run(() -> DriverManager.getConnection(waly), 4, transfers, 2, transfers / 2, 1);
            long bytes = bytes(log);
            Replayer.replay(log, new PostgresTarget(pg.newDatabase("bench_shop_warmup")));
            String target = pg.newDatabase("bench_shop_replay");
            ReplaySummary s = Replayer.replay(log, new PostgresTarget(target));
            double replay = s.seconds();
            String equal;
            try (Connection a = DriverManager.getConnection(source); Connection b = DriverManager.getConnection(target)) {
                equal = TableChecksums.of(a).equals(TableChecksums.of(b)) ? "equal to the source" : "DIFFERENT from the source";
            }
            System.out.printf(Locale.ROOT, "%nOLTP (shop): %,d transactions, %,d statements, log %.1f MB; replay %.2f s, %,.0f tx/s (tables %s)%n",
                    s.transactions, s.statements, bytes / 1e6, replay, s.transactions / replay, equal);
            System.out.printf(Locale.ROOT, "  restore time       %8.1f s per GB of log, %.0f s per million transactions%n",
                    replay / (bytes / 1e9), replay / (s.transactions / 1e6));
        } finally {
            delete(log);
        }
    }

    static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    static long bytes(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".wal")).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    static void delete(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
