package io.waly.compat.regress;

import io.waly.jdbc.replay.CatalogSnapshot;
import io.waly.jdbc.replay.PostgresTarget;
import io.waly.jdbc.replay.TableChecksums;
import io.waly.log.replay.ReplaySummary;
import io.waly.log.replay.Replayer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A differential run of a directory of psql scripts (PostgreSQL's regression suite, sample databases). For each file,
 * in name order, on three private servers, each with a fresh database {@code regression}: the prelude and the file run
 * on A through plain pgjdbc and on B through WAL-y, statement by statement, and every outcome must be equal; then A's
 * and B's tables ({@link TableChecksums}) and catalogs ({@link CatalogSnapshot}) must be equal; then B's log is
 * replayed into C, and B's and C's tables and catalogs must be equal. Writes a markdown table and a details file.
 *
 * <pre>
 * RegressRunner DIR [--prelude FILE] [--only REGEX] [--title TEXT] [--report FILE] [--details FILE] [--work DIR]
 *               [--srcdir DIR] [--file-timeout SECONDS] [--statement-timeout SECONDS]
 * </pre>
 * {@code --srcdir} is what {@code \getenv … PG_ABS_SRCDIR} gives (the regression suite reads {@code data/*.data}
 * from there). The servers are the runner's own; nothing else is touched.
 */
public final class RegressRunner {

    private final Options options;
    private final RegressServer plain;
    private final RegressServer waly;
    private final RegressServer replay;
    private final String libdir;
    private ExecutorService workers = workers();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();

    private RegressRunner(Options options) throws SQLException, IOException {
        this.options = options;
        this.plain = new RegressServer("A", options.statementTimeout);
        this.waly = new RegressServer("B", options.statementTimeout);
        this.replay = new RegressServer("C", options.statementTimeout);
        this.libdir = plain.libdir();
    }

    /**
     * What {@code \getenv} gives a server's session. Each server has its own build directory: scripts write files
     * there (COPY … TO) and read them back, and A and B run side by side.
     */
    private Map<String, String> environment(RegressServer server) throws IOException {
        Path build = Files.createDirectories(options.work.resolve("build").resolve(server.name).resolve("results")).getParent();
        return Map.of("PG_ABS_SRCDIR", options.srcdir.toAbsolutePath().toString(), "PG_ABS_BUILDDIR", build.toAbsolutePath().toString(),
                "PG_LIBDIR", libdir, "PG_DLSUFFIX", ".so");
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        run(options);
        System.out.println("report: " + options.report.toAbsolutePath() + "\ndetails: " + options.details.toAbsolutePath());
        System.exit(0);   // the embedded servers' shutdown must not wait for stray pool threads
    }

    /** Runs every file; the report is rewritten after each, so a long run can be read while it goes on. */
    static List<FileResult> run(String... args) throws Exception {
        return run(Options.parse(args));
    }

    private static List<FileResult> run(Options options) throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(options.dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".sql"))
                    .filter(p -> options.prelude == null || !p.toAbsolutePath().equals(options.prelude.toAbsolutePath()))
                    .filter(p -> options.only == null || p.getFileName().toString().matches(options.only))
                    .sorted().toList();
        }
        String prelude = options.prelude == null ? null : readScript(options.prelude);
        List<FileResult> results = new ArrayList<>();
        RegressRunner runner = new RegressRunner(options);
        try {
            for (Path file : files) {
                FileResult r = runner.runFile(file, prelude);
                results.add(r);
                System.out.printf("%-32s %5d stmts %4d skipped %4d mismatches  tables %d/%d  catalog %d/%d  replay %s  %.1fs%n",
                        r.file, r.statements, r.skippedMeta, r.mismatches.size(), r.tablesPlainVsWaly.size(), r.tablesWalyVsReplay.size(),
                        r.catalogPlainVsWaly.size(), r.catalogWalyVsReplay.size(), r.replay.lines().findFirst().orElse(""), r.seconds);
                RegressReport.write(options.title, results, options.report, options.details);
            }
        } finally {
            runner.close();
        }
        return results;
    }

    FileResult runFile(Path file, String prelude) {
        FileResult r = new FileResult(file.getFileName().toString());
        long start = System.nanoTime();
        try {
            for (RegressServer s : List.of(plain, waly, replay)) s.reset();
            Path logDir = Files.createDirectories(options.work.resolve("logs").resolve(r.file));
            try (Stream<Path> old = Files.list(logDir)) {
                for (Path p : old.toList()) Files.delete(p);
            }
            String script = readScript(file);
            Instant deadline = Instant.now().plus(options.fileTimeout);
            ScheduledFuture<?> stopper = watchdog.schedule(() -> {
                plain.terminateSessions();
                waly.terminateSessions();
            }, options.fileTimeout.toSeconds() + options.statementTimeout + 30, TimeUnit.SECONDS);
            Future<Run> a = workers.submit(() -> run(plain, null, r.file, prelude, script, deadline));
            Future<Run> b = workers.submit(() -> run(waly, logDir.toString(), r.file, prelude, script, deadline));
            Run ra = finish(a, "A");
            Run rb = finish(b, "B");
            stopper.cancel(false);
            compareOutcomes(r, ra.outcomes, rb.outcomes);
            r.statements = (int) ra.outcomes.stream().filter(o -> o.file().equals(r.file)).count();
            r.skippedMeta = ra.skipped;
            r.stopped = ra.stopped != null ? "A: " + ra.stopped : rb.stopped != null ? "B: " + rb.stopped : null;
            try (Connection ca = plain.superuser(ra.database); Connection cb = waly.superuser(rb.database)) {
                r.tablesPlainVsWaly = tableDifferences(ca, cb);
                r.catalogPlainVsWaly = catalogDifferences(ca, cb);
            }
            replay(r, logDir, rb.database);
        } catch (Exception e) {
            r.harnessError = e.toString();
        }
        r.seconds = (System.nanoTime() - start) / 1e9;
        return r;
    }

    /**
     * A script as text: UTF-8, or else Latin-1, which decodes any byte (the suite has a WIN1252 file; psql itself
     * reads bytes and leaves their meaning to client_encoding).
     */
    static String readScript(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    /** The outcomes of one server's run, and where its session ended (a script may {@code \c} to another database). */
    private record Run(List<PsqlSession.Outcome> outcomes, int skipped, String stopped, String database) {}

    private Run run(RegressServer server, String walyLogDir, String file, String prelude, String script, Instant deadline)
            throws SQLException, IOException {
        PsqlSession.Connector connector = (db, user) -> DriverManager.getConnection(server.url(db, user, walyLogDir));
        Map<String, String> environment = environment(server);
        try (PsqlSession session = new PsqlSession(connector, RegressServer.DATABASE, "postgres", environment, options.statementTimeout)) {
            session.deadline(deadline);
            if (prelude != null) session.run(options.prelude.getFileName().toString(), prelude);
            session.skipped.clear();   // the prelude's are the same for every file
            session.run(file, script);
            // the build directory's path is the server's own: written the same way for A and B, so that it compares
            String build = environment.get("PG_ABS_BUILDDIR");
            List<PsqlSession.Outcome> outcomes = session.outcomes.stream().map(o -> new PsqlSession.Outcome(o.file(), o.line(),
                    o.sql().replace(build, "$PG_ABS_BUILDDIR"), o.result().replace(build, "$PG_ABS_BUILDDIR"))).toList();
            return new Run(outcomes, session.skippedCount(), session.stoppedBecause, session.database());
        }
    }

    /**
     * The run's result, waiting past the file's limit only as long as terminating its sessions takes to end it. A
     * thread that even then does not return (pgjdbc can wait on its own lock forever) is abandoned with its pool.
     */
    private Run finish(Future<Run> run, String server) throws Exception {
        try {
            return run.get(options.fileTimeout.toSeconds() + options.statementTimeout + 90, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            workers.shutdownNow();
            workers = workers();
            throw new IllegalStateException(server + " did not finish the file, even after its sessions were terminated");
        }
    }

    private static ExecutorService workers() {
        return Executors.newFixedThreadPool(2, task -> {
            Thread t = new Thread(task, "regress-worker");
            t.setDaemon(true);   // an abandoned one must not keep the JVM alive
            return t;
        });
    }

    /** Pairs A's and B's outcomes in order; a statement only one of them ran is a mismatch too. */
    static void compareOutcomes(FileResult r, List<PsqlSession.Outcome> a, List<PsqlSession.Outcome> b) {
        int n = Math.max(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            PsqlSession.Outcome oa = i < a.size() ? a.get(i) : null;
            PsqlSession.Outcome ob = i < b.size() ? b.get(i) : null;
            if (oa != null && ob != null && oa.result().equals(ob.result()) && oa.sql().equals(ob.sql())) continue;
            PsqlSession.Outcome any = oa != null ? oa : ob;
            FileResult.Mismatch m = new FileResult.Mismatch(any.file(), any.line(), any.sql(),
                    oa == null ? null : oa.result(), ob == null ? null : ob.result());
            (any.file().equals(r.file) ? r.mismatches : r.preludeMismatches).add(m);
        }
    }

    /** Replays B's log into C's fresh database, bounded in time, then compares B's final database with C's. */
    private void replay(FileResult r, Path logDir, String walyDatabase) throws Exception {
        if (!hasLog(logDir)) {
            r.replay = "ok (nothing logged)";
        } else {
            Future<ReplaySummary> f = workers.submit(() -> Replayer.replay(logDir,
                    new PostgresTarget(replay.url(RegressServer.DATABASE, "postgres", null))));
            try {
                ReplaySummary s = f.get(options.fileTimeout.toSeconds(), TimeUnit.SECONDS);
                r.replay = "ok (" + s.transactions + " transactions)";
            } catch (TimeoutException e) {
                replay.terminateSessions();
                r.replayFailed = true;
                r.replay = "timeout after " + options.fileTimeout.toSeconds() + " s";
                try {
                    f.get(60, TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException ignored) {
                    // its failure is the timeout's consequence
                }
            } catch (ExecutionException e) {
                r.replayFailed = true;
                r.replay = "failed: " + e.getCause();
            }
        }
        try (Connection cb = waly.superuser(walyDatabase); Connection cc = replay.superuser(RegressServer.DATABASE)) {
            r.tablesWalyVsReplay = tableDifferences(cb, cc);
            r.catalogWalyVsReplay = catalogDifferences(cb, cc);   // anything of WAL-y's left in C counts too
        }
    }

    private static boolean hasLog(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isPresent();
        }
    }

    private static List<String> tableDifferences(Connection a, Connection b) {
        try {
            Map<String, String> sa = TableChecksums.of(a);
            Map<String, String> sb = TableChecksums.of(b);
            return TableChecksums.differences(sa, sb).stream().map(t -> t + ": " + sa.get(t) + " vs " + sb.get(t)).toList();
        } catch (SQLException e) {
            return List.of("cannot compute table checksums: " + e.getMessage());
        }
    }

    private static List<String> catalogDifferences(Connection a, Connection b) {
        try {
            return CatalogSnapshot.diff(CatalogSnapshot.of(a), CatalogSnapshot.of(b));
        } catch (SQLException e) {
            return List.of("cannot read the catalog: " + e.getMessage());
        }
    }

    private void close() {
        workers.shutdownNow();
        watchdog.shutdownNow();
        for (RegressServer s : List.of(plain, waly, replay)) s.close();
    }

    /** The command line. */
    private record Options(Path dir, Path prelude, String only, String title, Path report, Path details, Path work,
                           Path srcdir, Duration fileTimeout, int statementTimeout) {

        static Options parse(String[] args) {
            if (args.length == 0) {
                throw new IllegalArgumentException("usage: RegressRunner DIR [--prelude FILE] [--only REGEX] [--title TEXT] [--report FILE] "
                        + "[--details FILE] [--work DIR] [--srcdir DIR] [--file-timeout SECONDS] [--statement-timeout SECONDS]");
            }
            Path dir = Path.of(args[0]);
            Path prelude = null;
            String only = null;
            String title = "WAL-y differential run of " + dir.getFileName();
            Path work = Path.of("target/regress");
            Path report = null;
            Path details = null;
            Path srcdir = dir;
            long fileTimeout = 300;
            int statementTimeout = 60;
            for (int i = 1; i + 1 < args.length; i += 2) {
                String v = args[i + 1];
                switch (args[i]) {
                    case "--prelude" -> prelude = Path.of(v);
                    case "--only" -> only = v;
                    case "--title" -> title = v;
                    case "--report" -> report = Path.of(v);
                    case "--details" -> details = Path.of(v);
                    case "--work" -> work = Path.of(v);
                    case "--srcdir" -> srcdir = Path.of(v);
                    case "--file-timeout" -> fileTimeout = Long.parseLong(v);
                    case "--statement-timeout" -> statementTimeout = Integer.parseInt(v);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (report == null) report = work.resolve("report.md");
            if (details == null) details = work.resolve("details.md");
            return new Options(dir, prelude, only, title, report, details, work, srcdir, Duration.ofSeconds(fileTimeout), statementTimeout);
        }
    }
}
