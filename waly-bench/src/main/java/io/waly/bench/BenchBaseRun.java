package io.waly.bench;

import io.waly.jdbc.replay.PostgresTarget;
import io.waly.jdbc.replay.TableChecksums;
import io.waly.log.replay.ReplaySummary;
import io.waly.log.replay.Replayer;
import io.waly.testing.EmbeddedPostgresServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * BenchBase's TPC-C, a client nobody here wrote, through raw pgjdbc and through {@code jdbc:waly:postgresql} in
 * {@code fsync} durability (issue 17). BenchBase runs as it ships, in its own JVM (it needs Java 23+), with WAL-y's
 * shaded driver jar on its classpath for the WAL-y rounds; only its configuration's URL and driver class differ.
 *
 * <p>One private PostgreSQL (fsync on, as {@link Bench}). Two databases: one created and loaded by BenchBase through
 * raw pgjdbc, which only the raw rounds use; one created and loaded through WAL-y, which only the WAL-y rounds use, so
 * that WAL-y's log holds everything that database ever received. Per isolation level, rounds of BenchBase
 * {@code --execute=true}, raw and WAL-y alternating which goes first. The figure is committed transactions per second
 * over the whole execution (warm-up and measured time), from BenchBase's summary JSON: its "Goodput" counts every commit
 * of the execution, warm-up included, over the measured time only, so it is scaled by measured ÷ (warm-up + measured).
 * BenchBase's headline "Throughput (requests/second)" is printed beside it but is not the figure: it counts requests
 * that gave up after BenchBase's 3 serialization failures (40001) as done. Each ratio is WAL-y ÷ raw within a round.
 * At the end the log is replayed into an empty database and every table (and sequence) compared with the WAL-y
 * database's.
 *
 * <pre>
 * java -cp waly-bench/target/waly-bench.jar io.waly.bench.BenchBaseRun --benchbase /work/data/benchbase/target/benchbase-postgres
 *      [--java /usr/lib/jvm/temurin-25-jdk-amd64/bin/java] [--waly-jar waly-jdbc/target/waly-jdbc-all.jar]
 *      [--warehouses 1] [--terminals 4] [--rounds 8] [--seconds 10] [--warmup 3]
 *      [--isolation READ_COMMITTED,SERIALIZABLE] [--waly-durability fsync] [--dir /tmp] [--keep]
 * </pre>
 */
public final class BenchBaseRun {

    record Options(Path benchbase, Path java, Path walyJar, int warehouses, int terminals, int rounds, int seconds,
                   int warmup, List<String> isolations, String durability, Path dir, boolean keep) {

        static Options parse(String[] args) {
            Path benchbase = null;
            Path java = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
            Path walyJar = Path.of("waly-jdbc/target/waly-jdbc-all.jar");
            int warehouses = 1, terminals = 4, rounds = 8, seconds = 10, warmup = 3;
            List<String> isolations = List.of("READ_COMMITTED", "SERIALIZABLE");
            String durability = "fsync";
            Path dir = Path.of(System.getProperty("java.io.tmpdir"));
            boolean keep = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--benchbase" -> benchbase = Path.of(args[++i]);
                    case "--java" -> java = Path.of(args[++i]);
                    case "--waly-jar" -> walyJar = Path.of(args[++i]);
                    case "--warehouses" -> warehouses = Integer.parseInt(args[++i]);
                    case "--terminals" -> terminals = Integer.parseInt(args[++i]);
                    case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                    case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                    case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                    case "--isolation" -> isolations = List.of(args[++i].split(","));
                    case "--waly-durability" -> durability = args[++i];
                    case "--dir" -> dir = Path.of(args[++i]);
                    case "--keep" -> keep = true;
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + "; see the javadoc of "
                            + BenchBaseRun.class.getName() + " or BENCHMARKS.md");
                }
            }
            if (benchbase == null || !Files.isRegularFile(benchbase.resolve("benchbase.jar"))) {
                throw new IllegalArgumentException("--benchbase must name BenchBase's unpacked package (the directory holding "
                        + "benchbase.jar, lib/ and config/), see BENCHMARKS.md; was " + benchbase);
            }
            if (!Files.isRegularFile(walyJar)) {
                throw new IllegalArgumentException("no WAL-y driver jar at " + walyJar.toAbsolutePath()
                        + " (mvn -pl waly-jdbc -am package -DskipTests, or --waly-jar)");
            }
            return new Options(benchbase.toAbsolutePath(), java, walyJar.toAbsolutePath(), warehouses, terminals, rounds,
                    seconds, warmup, isolations, durability, dir, keep);
        }
    }

    /** One BenchBase execution's figures, from its summary JSON. */
    record Figures(double committed, double requestsPerSecond, long retries, Map<String, Integer> errors) {}

    private static final Pattern GOODPUT = Pattern.compile("\"Goodput \\(requests/second\\)\"\\s*:\\s*([0-9.Ee+-]+)");
    private static final Pattern THROUGHPUT = Pattern.compile("\"Throughput \\(requests/second\\)\"\\s*:\\s*([0-9.Ee+-]+)");
    private static final Pattern NOT_RETRIED = Pattern.compile("will not be retried\\.\\.\\. sql state \\[([0-9A-Z]*)\\]");
    /** An entry of BenchBase's histograms: {@code …procedures.NewOrder/01   [  42] ****}. */
    private static final Pattern HISTOGRAM_ENTRY = Pattern.compile("\\[\\s*([0-9]+)\\]");

    private BenchBaseRun() {}

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        PrintStream out = System.out;
        Path runDir = Files.createTempDirectory(o.dir(), "waly-benchbase-");
        Path log = runDir.resolve("waly-log");
        out.printf("BenchBase TPC-C: %d warehouses, %d terminals, %d rounds of %d s (+%d s warm-up) per variant and isolation; "
                + "files in %s%n", o.warehouses(), o.terminals(), o.rounds(), o.seconds(), o.warmup(), runDir);
        boolean equal;
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(true)) {
            String rawDb = server.newDatabase("tpcc_raw");
            String walyDb = server.newDatabase("tpcc_waly");
            String walyUrl = "jdbc:waly:postgresql:" + walyDb.substring("jdbc:postgresql:".length())
                    + "&walyLogDir=" + log + "&walyDurability=" + o.durability();

            BenchBase bb = new BenchBase(o, runDir);
            double rawLoad = bb.run("load-raw", rawDb, false, "READ_COMMITTED", true);
            double walyLoad = bb.run("load-waly", walyUrl, true, "READ_COMMITTED", true);
            checkLoaded(rawDb, o.warehouses());
            checkLoaded(walyDb, o.warehouses());
            out.printf("load (create + load, BenchBase's loader): raw %.1f s, WAL-y %.1f s (%.2f×)%n", rawLoad, walyLoad,
                    rawLoad / walyLoad);

            Map<String, List<Figures[]>> byIsolation = new LinkedHashMap<>();
            for (String isolation : o.isolations()) {
                List<Figures[]> rounds = new ArrayList<>();
                for (int round = 1; round <= o.rounds(); round++) {
                    Figures[] pair = new Figures[2];   // [raw, waly]
                    for (int k = 0; k < 2; k++) {
                        boolean waly = (k + round) % 2 == 0;   // alternate which goes first, so drift hits both alike
                        String name = isolation.toLowerCase() + "-" + round + (waly ? "-waly" : "-raw");
                        bb.run(name, waly ? walyUrl : rawDb, waly, isolation, false);
                        pair[waly ? 1 : 0] = bb.figures(name);
                    }
                    rounds.add(pair);
                    out.printf("%s round %d: committed raw %,.0f tx/s, WAL-y %,.0f tx/s, ratio %.3f (BenchBase's requests/s "
                            + "%,.0f and %,.0f; 40001 retries %,d and %,d; errors not retried by SQLState: raw %s, WAL-y %s)%n",
                            isolation, round, pair[0].committed(), pair[1].committed(), pair[1].committed() / pair[0].committed(),
                            pair[0].requestsPerSecond(), pair[1].requestsPerSecond(), pair[0].retries(), pair[1].retries(),
                            pair[0].errors(), pair[1].errors());
                }
                byIsolation.put(isolation, rounds);
            }
            report(out, o, byIsolation);
            equal = replayCheck(out, server, walyDb, log);
        } finally {
            if (!o.keep()) deleteRecursively(runDir);
        }
        if (!equal) System.exit(1);   // a replay that differs is a failed run, whatever the ratios
    }

    private static void report(PrintStream out, Options o, Map<String, List<Figures[]>> byIsolation) {
        out.println();
        out.printf("| isolation | raw committed tx/s (median, min–max) | WAL-y " + o.durability() + " committed tx/s (median, "
                + "min–max) | ratio WAL-y ÷ raw: median (min–max of %d rounds) | BenchBase's requests/s, ratio: median "
                + "| errors not retried, raw / WAL-y |%n", o.rounds());
        out.println("| --- | ---: | ---: | ---: | ---: | ---: |");
        byIsolation.forEach((isolation, rounds) -> {
            List<Double> raw = rounds.stream().map(p -> p[0].committed()).toList();
            List<Double> waly = rounds.stream().map(p -> p[1].committed()).toList();
            List<Double> ratio = rounds.stream().map(p -> p[1].committed() / p[0].committed()).toList();
            List<Double> requestsRatio = rounds.stream().map(p -> p[1].requestsPerSecond() / p[0].requestsPerSecond()).toList();
            Map<String, Integer> rawErrors = new TreeMap<>(), walyErrors = new TreeMap<>();
            rounds.forEach(p -> {
                p[0].errors().forEach((state, n) -> rawErrors.merge(state, n, Integer::sum));
                p[1].errors().forEach((state, n) -> walyErrors.merge(state, n, Integer::sum));
            });
            out.printf("| %s | %,.0f (%,.0f–%,.0f) | %,.0f (%,.0f–%,.0f) | **%.3f** (%.3f–%.3f) | %.3f | %s / %s |%n", isolation,
                    Stats.median(raw), Stats.min(raw), Stats.max(raw), Stats.median(waly), Stats.min(waly), Stats.max(waly),
                    Stats.median(ratio), Stats.min(ratio), Stats.max(ratio), Stats.median(requestsRatio), rawErrors, walyErrors);
        });
        out.println();
    }

    /** BenchBase's loader reports a failed load thread in its output only: check that every warehouse is there. */
    private static void checkLoaded(String url, int warehouses) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); var s = c.createStatement();
             var rs = s.executeQuery("SELECT (SELECT count(*) FROM warehouse), (SELECT count(DISTINCT s_w_id) FROM stock)")) {
            rs.next();
            if (rs.getInt(1) != warehouses || rs.getInt(2) != warehouses) {
                throw new IllegalStateException("BenchBase's load of " + url + " is incomplete: " + rs.getInt(1) + " warehouses, stock of "
                        + rs.getInt(2) + ", of " + warehouses);
            }
        }
    }

    /** Replays the whole log into an empty database and compares every table and sequence with the WAL-y database. */
    static boolean replayCheck(PrintStream out, EmbeddedPostgresServer server, String walyDb, Path log) throws Exception {
        String target = server.newDatabase("tpcc_replay");
        ReplaySummary summary = Replayer.replay(log, new PostgresTarget(target));
        out.printf("replay: %s; %d rolled back and %d failed statements left out; %,d bytes of log%n", summary,
                summary.rolledBack, summary.failedOnSource, Variant.walyLogBytes(log));
        Map<String, String> source, replayed;
        Map<String, Long> sourceSeq, replayedSeq;
        try (Connection s = DriverManager.getConnection(walyDb); Connection r = DriverManager.getConnection(target)) {
            source = TableChecksums.of(s);
            replayed = TableChecksums.of(r);
            sourceSeq = TableChecksums.sequences(s);
            replayedSeq = TableChecksums.sequences(r);
        }
        List<String> differ = TableChecksums.differences(source, replayed);
        source.forEach((t, sum) -> out.printf("  %-28s source %s%s%n", t, sum, differ.contains(t) ? "   replay " + replayed.get(t) : "   = replay"));
        boolean sequencesEqual = sourceSeq.equals(replayedSeq);
        out.printf("replay check: %d tables, %s; %d sequences, %s%n", source.size(),
                differ.isEmpty() ? "every table equal" : "DIFFERENT: " + differ, sourceSeq.size(),
                sequencesEqual ? "equal" : "DIFFERENT: source " + sourceSeq + ", replay " + replayedSeq);
        return differ.isEmpty() && sequencesEqual;
    }

    /** BenchBase as a child process: its configuration written per run, its results read from its summary JSON. */
    private static final class BenchBase {
        private final Options o;
        private final Path runDir;

        BenchBase(Options o, Path runDir) {
            this.o = o;
            this.runDir = runDir;
        }

        /** Runs one BenchBase invocation (load, or execute) and returns its wall time in seconds. */
        double run(String name, String url, boolean waly, String isolation, boolean load) throws IOException, InterruptedException {
            Path config = runDir.resolve(name + ".xml");
            Files.writeString(config, config(url, waly, isolation));
            String classpath = o.benchbase().resolve("benchbase.jar") + ":" + o.benchbase().resolve("lib") + "/*"
                    + (waly ? ":" + o.walyJar() : "");
            List<String> cmd = new ArrayList<>(List.of(o.java().toString(), "-cp", classpath, "com.oltpbenchmark.DBWorkload",
                    "-b", "tpcc", "-c", config.toString(), "-d", runDir.resolve(name).toString()));
            cmd.addAll(load ? List.of("--create=true", "--load=true") : List.of("--execute=true"));
            Path output = runDir.resolve(name + ".out");
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(cmd).directory(o.benchbase().toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            int rc = p.waitFor();
            double seconds = (System.nanoTime() - t0) / 1e9;
            String text = Files.readString(output, StandardCharsets.UTF_8);
            if (rc != 0) {
                throw new IllegalStateException("BenchBase " + name + " failed (exit " + rc + "), see " + output + ":\n"
                        + text.substring(Math.max(0, text.length() - 4000)));
            }
            return seconds;
        }

        Figures figures(String name) throws IOException {
            Path summary;
            try (Stream<Path> files = Files.list(runDir.resolve(name))) {
                summary = files.filter(f -> f.getFileName().toString().endsWith(".summary.json")).findFirst()
                        .orElseThrow(() -> new IllegalStateException("BenchBase wrote no summary in " + runDir.resolve(name)));
            }
            String json = Files.readString(summary);
            // a worker's SQLException that is neither a TPC-C rollback nor retried (40001 is, 40P01 is not): by SQLState,
            // since a WAL-y bug would show up here next to PostgreSQL's own deadlocks
            Map<String, Integer> errors = new TreeMap<>();
            String output = Files.readString(runDir.resolve(name + ".out")).replaceAll("\u001b\\[[0-9;]*m", "");
            Matcher m = NOT_RETRIED.matcher(output);
            while (m.find()) errors.merge(m.group(1), 1, Integer::sum);
            // serialization failures (40001) BenchBase retried, warm-up included: its histogram, printed at the end
            int from = output.indexOf("Rejected Transactions (Server Retry):");
            long retries = 0;
            if (from >= 0) {
                int to = output.indexOf("\n\n", from);
                Matcher e = HISTOGRAM_ENTRY.matcher(output.substring(from, to < 0 ? output.length() : to));
                while (e.find()) retries += Long.parseLong(e.group(1));
            }
            double committed = number(GOODPUT, json) * o.seconds() / (o.warmup() + o.seconds());
            return new Figures(committed, number(THROUGHPUT, json), retries, errors);
        }

        private static double number(Pattern p, String json) {
            Matcher m = p.matcher(json);
            if (!m.find()) throw new IllegalStateException("no " + p + " in BenchBase's summary");
            return Double.parseDouble(m.group(1));
        }

        private String config(String url, boolean waly, String isolation) {
            // BenchBase's sample_tpcc_config.xml for PostgreSQL, with the run's URL, driver, isolation and sizes
            return """
                    <?xml version="1.0"?>
                    <parameters>
                        <type>POSTGRES</type>
                        <driver>%s</driver>
                        <url>%s</url>
                        <username>postgres</username>
                        <password></password>
                        <reconnectOnConnectionFailure>true</reconnectOnConnectionFailure>
                        <isolation>TRANSACTION_%s</isolation>
                        <batchsize>128</batchsize>
                        <scalefactor>%d</scalefactor>
                        <terminals>%d</terminals>
                        <works>
                            <work>
                                <warmup>%d</warmup>
                                <time>%d</time>
                                <rate>unlimited</rate>
                                <weights>45,43,4,4,4</weights>
                            </work>
                        </works>
                        <transactiontypes>
                            <transactiontype><name>NewOrder</name></transactiontype>
                            <transactiontype><name>Payment</name></transactiontype>
                            <transactiontype><name>OrderStatus</name></transactiontype>
                            <transactiontype><name>Delivery</name></transactiontype>
                            <transactiontype><name>StockLevel</name></transactiontype>
                        </transactiontypes>
                    </parameters>
                    """.formatted(waly ? "io.waly.jdbc.Driver" : "org.postgresql.Driver",
                    (url + "&reWriteBatchedInserts=true").replace("&", "&amp;"), isolation, o.warehouses(), o.terminals(),
                    o.warmup(), o.seconds());
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
