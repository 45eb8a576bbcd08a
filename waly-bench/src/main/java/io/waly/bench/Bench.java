package io.waly.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.waly.testing.EmbeddedPostgresServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The price of WAL-y, in one run on one machine, as ratios (issue 10). Starts a private PostgreSQL 16 with fsync and
 * synchronous_commit on, then runs each workload's variants — raw pgjdbc, p6spy, datasource-proxy, WAL-y fsync,
 * async and none — interleaved in rounds, the order rotated each round so that a machine whose speed drifts drifts
 * on all of them alike. Round 0 is a warm-up and is not counted. Reports medians, min/max and the per-round paired
 * ratio to raw, client CPU per operation, log bytes per operation and latency percentiles; then replay against the
 * loaders it competes with.
 *
 * <pre>
 * java -jar waly-bench/target/waly-bench.jar [--quick] [--rounds N] [--fixed-rounds N] [--seconds S] [--out results.md]
 *      [--only tpcb-1,tpcb-8,update-8,select-8,batch,literal,replay] [--variants raw,waly-fsync,…]
 *      [--dir /path/for/logs] [--keep] [--branches N] [--accounts-per-branch N] [--batch-rows N]
 *      [--literal-inserts N] [--replay-rows N]
 * </pre>
 */
public final class Bench {

    /** The run's knobs; {@code --quick} sets small ones, and each can be given on its own. */
    record Options(boolean quick, int rounds, int fixedRounds, double seconds, Set<String> only, Path out, int branches, int accountsPerBranch,
                   int batchRows, int literalInserts, int replayRows, Path dir, boolean keep, Set<String> variants) {

        static Options parse(String[] args) {
            boolean quick = List.of(args).contains("--quick");
            // Many short timed rounds rather than a few long ones: on a shared disk whose fsync time moves several-fold
            // within a minute, fine interleaving is what makes the paired ratios comparable.
            int rounds = quick ? 4 : 10;
            int fixedRounds = quick ? 2 : 3;
            double seconds = quick ? 0.5 : 1.2;
            Set<String> only = new LinkedHashSet<>();
            Path out = null;
            int branches = 8;
            int accounts = quick ? 5_000 : 100_000;
            int batch = quick ? 20_000 : 200_000;
            int literal = quick ? 500 : 3_000;
            int replay = quick ? 10_000 : 100_000;
            Path dir = Path.of(System.getProperty("java.io.tmpdir"));
            boolean keep = false;
            Set<String> variants = new LinkedHashSet<>();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--quick" -> { }
                    case "--keep" -> keep = true;
                    case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                    case "--fixed-rounds" -> fixedRounds = Integer.parseInt(args[++i]);
                    case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                    case "--only" -> only.addAll(List.of(args[++i].split(",")));
                    case "--variants" -> variants.addAll(List.of(args[++i].split(",")));
                    case "--out" -> out = Path.of(args[++i]);
                    case "--branches" -> branches = Integer.parseInt(args[++i]);
                    case "--accounts-per-branch" -> accounts = Integer.parseInt(args[++i]);
                    case "--batch-rows" -> batch = Integer.parseInt(args[++i]);
                    case "--literal-inserts" -> literal = Integer.parseInt(args[++i]);
                    case "--replay-rows" -> replay = Integer.parseInt(args[++i]);
                    case "--dir" -> dir = Path.of(args[++i]);
                    default -> throw new IllegalArgumentException("unknown option " + a + "; see the javadoc of " + Bench.class.getName()
                            + " or BENCHMARKS.md");
                }
            }
            if (rounds < 1 || fixedRounds < 1) throw new IllegalArgumentException("--rounds and --fixed-rounds must be at least 1");
            return new Options(quick, rounds, fixedRounds, seconds, only, out, branches, accounts, batch, literal, replay, dir, keep, variants);
        }

        boolean selected(String name) {
            return only.isEmpty() || only.contains(name);
        }

        /** The spec's variants, less those --variants leaves out (for profiling one variant at a time). */
        List<Variant> variantsOf(Workloads.Spec spec) {
            return spec.variants().stream().filter(v -> variants.isEmpty() ? !v.onDemand() : variants.contains(v.label)).toList();
        }
    }

    /** Everything a run measured. */
    static final class Results {
        final Options options;
        final Map<Workloads.Spec, Map<Variant, List<Measurement>>> workloads = new LinkedHashMap<>();
        final List<Double> fsyncMicros = new ArrayList<>();   // per counted round of tpcb-1
        ReplayBench.Result replay;
        long startNanos = System.nanoTime();
        double totalSeconds;
        String postgresVersion;

        Results(Options options) {
            this.options = options;
        }
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        Results r = run(o, System.out);
        String md = Report.markdown(r);
        System.out.println();
        System.out.println(md);
        if (o.out() != null) {
            Files.writeString(o.out(), md);
            System.out.println("written to " + o.out().toAbsolutePath());
        }
        System.exit(0);   // HikariCP's and the MongoDB driver's daemon threads aside, nothing should linger
    }

    static Results run(Options o, PrintStream out) throws Exception {
        Results results = new Results(o);
        Path runDir = Files.createTempDirectory(Files.createDirectories(o.dir()), "waly-bench-");
        Loggers.configureP6spy(Variant.P6SPY.logPath(runDir));
        out.printf("waly-bench: %s, %d timed rounds of %s s and %d rounds of fixed work (+1 warm-up each), logs under %s%n",
                o.quick() ? "quick" : "full", o.rounds(), o.seconds(), o.fixedRounds(), runDir);
        EmbeddedPostgresServer server = EmbeddedPostgresServer.start(true);
        try {
            String url = server.newDatabase("bench");
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                var rs = s.executeQuery("SELECT version()");
                rs.next();
                results.postgresVersion = rs.getString(1);
                s.execute(Workloads.ITEM_DDL);
                s.execute(Workloads.LITERAL_DDL);
            }
            long t0 = System.nanoTime();
            Workloads.createPgbench(url, o.branches(), o.accountsPerBranch());
            out.printf("pgbench schema: %d branches, %,d accounts, loaded in %.1f s%n", o.branches(),
                    (long) o.branches() * o.accountsPerBranch(), (System.nanoTime() - t0) / 1e9);
            for (Workloads.Spec spec : Workloads.ALL_SPECS) {
                if (o.selected(spec.name())) results.workloads.put(spec, runSpec(spec, o, url, runDir, results, out));
            }
            if (o.selected("replay")) results.replay = ReplayBench.run(server, runDir, o.replayRows(), o.fixedRounds(), out);
        } finally {
            Loggers.closeAll();
            WriteAheadFloor.closeAll();
            KafkaBroker.stop();
            server.close();
            if (!o.keep()) deleteTree(runDir);
        }
        results.totalSeconds = (System.nanoTime() - results.startNanos) / 1e9;
        out.printf("done in %.0f s%n", results.totalSeconds);
        return results;
    }

    private static Map<Variant, List<Measurement>> runSpec(Workloads.Spec spec, Options o, String url, Path runDir, Results results,
                                                           PrintStream out) throws Exception {
        Map<Variant, List<Measurement>> byVariant = new EnumMap<>(Variant.class);
        Map<Variant, HikariDataSource> pools = new EnumMap<>(Variant.class);
        try (Connection admin = DriverManager.getConnection(url); Statement s = admin.createStatement()) {
            s.execute("CHECKPOINT");
            for (Variant v : o.variantsOf(spec)) {
                HikariDataSource pool = v.pool(url, runDir, spec.threads(), spec.autoCommit());
                fill(pool, spec.threads());
                pools.put(v, pool);
                byVariant.put(v, new ArrayList<>());
            }
            int rounds = spec.timed() ? o.rounds() : o.fixedRounds();
            List<Double> opsPerProduce = new ArrayList<>();   // waly-kafka: group commit, per counted round
            for (int round = 0; round <= rounds; round++) {
                boolean warmup = round == 0;
                if (spec == Workloads.TPCB_1 && !warmup) results.fsyncMicros.add(FsyncProbe.medianMicros(runDir, 200));
                List<Variant> order = rotate(o.variantsOf(spec), round);
                for (Variant v : order) {
                    long produced = v == Variant.WALY_KAFKA ? KafkaBroker.produceRequests() : 0;
                    Measurement m = measure(spec, o, v, pools.get(v), runDir, warmup, s);
                    String perProduce = "";
                    if (v == Variant.WALY_KAFKA) {
                        double ratio = (double) m.ops() / Math.max(1, KafkaBroker.produceRequests() - produced);
                        if (!warmup) opsPerProduce.add(ratio);
                        perProduce = String.format(Locale.ROOT, "  %.2f %s/produce request", ratio, spec.unit());
                    }
                    out.printf(Locale.ROOT, "%-9s round %d%s %-17s %,10.0f %s/s  cpu %7.1f µs/op  alloc %8.0f B/op  log %6.0f B/op  p50 %8.1f µs  p99 %8.1f µs%s%n",
                            spec.name(), round, warmup ? "w" : " ", v.label, m.opsPerSecond(), spec.unit(), m.cpuMicrosPerOp(),
                            m.allocatedBytesPerOp(), m.logBytesPerOp(), m.p50Nanos() / 1e3, m.p99Nanos() / 1e3, perProduce);
                    if (!warmup) byVariant.get(v).add(m);
                }
            }
            if (!opsPerProduce.isEmpty()) {
                out.printf(Locale.ROOT, "%-9s waly-kafka: %.2f %s per produce request (median of rounds; min %.2f, max %.2f)%n", spec.name(),
                        Stats.median(opsPerProduce), spec.unit(), Stats.min(opsPerProduce), Stats.max(opsPerProduce));
            }
        } finally {
            for (HikariDataSource p : pools.values()) p.close();
        }
        return byVariant;
    }

    private static Measurement measure(Workloads.Spec spec, Options o, Variant v, HikariDataSource pool, Path runDir, boolean warmup,
                                       Statement admin) throws Exception {
        double seconds = warmup ? Math.max(0.2, o.seconds() / 2) : o.seconds();
        if (spec == Workloads.TPCB_1 || spec == Workloads.TPCB_8) {
            return Runner.timed(pool, spec.threads(), seconds, Workloads.tpcb(o.branches(), o.accountsPerBranch()), v, runDir);
        } else if (spec == Workloads.UPDATE_8) {
            return Runner.timed(pool, spec.threads(), seconds, Workloads.autocommitUpdate(o.branches(), o.accountsPerBranch()), v, runDir);
        } else if (spec == Workloads.SELECT_8) {
            return Runner.timed(pool, spec.threads(), seconds, Workloads.select(o.branches(), o.accountsPerBranch()), v, runDir);
        } else if (spec == Workloads.BATCH) {
            admin.execute("TRUNCATE item");
            admin.execute("CHECKPOINT");
            int rows = warmup ? Math.max(1000, o.batchRows() / 10) : o.batchRows();
            return Runner.fixed(pool, Workloads.batchInsert(1, rows, 1000), v, runDir);
        } else if (spec == Workloads.LITERAL) {
            int n = warmup ? Math.max(50, o.literalInserts() / 10) : o.literalInserts();
            return Runner.fixed(pool, Workloads.literalInserts(n), v, runDir);
        }
        throw new IllegalArgumentException(spec.name());
    }

    /** Opens every connection of the pool before anything is measured. */
    private static void fill(HikariDataSource pool, int size) throws SQLException {
        List<Connection> held = new ArrayList<>();
        try {
            for (int i = 0; i < size; i++) held.add(pool.getConnection());
        } finally {
            for (Connection c : held) c.close();
        }
    }

    static <T> List<T> rotate(List<T> list, int by) {
        List<T> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) out.add(list.get((i + by) % list.size()));
        return out;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind harms nothing
        }
    }
}
