package io.waly.cli.command;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.waly.cli.CliException;
import io.waly.cli.ExitCode;
import io.waly.cli.demo.CarsAct;
import io.waly.cli.demo.CommandsAct;
import io.waly.cli.demo.ShopWorkload;
import io.waly.cli.support.Commands;
import io.waly.cli.support.Json;
import io.waly.cli.support.Numbers;
import io.waly.command.Command;
import io.waly.embedded.InMemoryMongoServer;
import io.waly.embedded.PostgresServer;
import io.waly.jdbc.replay.PostgresTarget;
import io.waly.log.replay.ReplayException;
import io.waly.log.replay.ReplayOptions;
import io.waly.log.replay.ReplaySummary;
import io.waly.log.replay.Replayer;
import io.waly.jdbc.replay.TableChecksums;
import io.waly.log.LogRecord;
import io.waly.log.LogSource;
import io.waly.log.RecordReader;
import io.waly.log.format.RecordKind;
import io.waly.log.payload.Payloads;
import io.waly.log.read.DirectoryLog;
import io.waly.mongo.MongoTarget;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

@picocli.CommandLine.Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Shows WAL-y at work in under a minute: a shop writes through it; verify, replay, compare, undo a bad DELETE.",
        description = {
            "Starts a private embedded PostgreSQL, runs a small multi-threaded shop through jdbc:waly:postgresql (HikariCP): "
                + "accounts and transfers with savepoints and rollbacks, orders with generated keys, serial and identity "
                + "keys, now() and gen_random_uuid(). Then a bad deploy deletes every order. The demo verifies the log, "
                + "replays it into a second database and shows a checksum per table matching the source, replays it "
                + "up to just before the DELETE (--to-seq) and shows the orders back, and replays the same history into "
                + "MongoDB (an in-memory MongoDB wire-protocol server). Two short acts follow: a deploy rolled back into "
                + "an older schema version (cars), and a loyalty programme written with application commands, called and "
                + "recognised, replayed into PostgreSQL and MongoDB.",
            "",
            "Leaves nothing running. The log is removed at the end unless --keep DIR, after which it can be read with "
                + "waly inspect / stats / verify."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:every check of the story passed",
            "1:a replay did not reproduce the source (a bug: please report it)",
            "2:environment error (the embedded PostgreSQL could not start, --keep DIR holds another log)"})
public final class DemoCommand extends WalyCommand {

    @Option(names = "--keep", paramLabel = "DIR", description = "Keep the log in DIR (created; must not hold a log already).")
    Path keep;

    @Option(names = "--scale", hidden = true, defaultValue = "1.0", description = "Workload size factor (tests use less).")
    double scale;

    /** The story: numbered steps, one line each, with how long each took. */
    private final class Story {
        final List<Object> steps = new ArrayList<>();
        long mark = System.nanoTime();
        int n;

        void step(String text) {
            double secs = (System.nanoTime() - mark) / 1e9;
            mark = System.nanoTime();
            n++;
            steps.add(Json.map("step", n, "text", text, "seconds", Math.round(secs * 100) / 100.0));
            if (!json) {
                out().printf(Locale.ROOT, "%2d. %s  (%s)%n", n, text, secs < 0.1 ? "<0.1 s" : String.format(Locale.ROOT, "%.1f s", secs));
                out().flush();
            }
        }

        void detail(String text) {
            if (!json) out().println("      " + text);
        }
    }

    @Override
    protected int execute() throws Exception {
        long t0 = System.nanoTime();
        Path logDir = prepareLogDir();
        Story story = new Story();
        PrintWriter out = out();
        if (!json) {
            out.println("WAL-y demo: a shop writes through WAL-y; its log is verified, replayed, and used to undo a bad DELETE.");
            out.println();
        }
        PostgresServer server = null;
        Thread hook = null;
        boolean pass = true;
        Map<String, Object> doc = Json.map();
        try {
            server = PostgresServer.start(PostgresServer.Durability.SCRATCH);
            PostgresServer s = server;
            hook = new Thread(s::close, "waly-demo-stop-postgres");
            Runtime.getRuntime().addShutdownHook(hook);
            story.step("Started a private PostgreSQL 16 (embedded) on 127.0.0.1:" + server.port());

            String source = server.newDatabase("shop");
            String walyUrl = source.replace("jdbc:postgresql:", "jdbc:waly:postgresql:") + "&walyLogDir=" + logDir;
            int transferThreads = 4, orderThreads = 2;
            int transfers = Math.max(5, (int) (80 * scale)), orders = Math.max(5, (int) (50 * scale));
            ShopWorkload.Result work;
            long deleted;
            long linesBefore;
            Map<String, String> beforeDelete;
            Map<String, String> sourceEnd;
            HikariConfig cfg = new HikariConfig();
            cfg.setJdbcUrl(walyUrl);
            cfg.setMaximumPoolSize(transferThreads + orderThreads);
            cfg.setPoolName("shop");
            try (HikariDataSource pool = new HikariDataSource(cfg)) {
                try (Connection c = pool.getConnection()) {
                    ShopWorkload.createSchema(c, 42);
                }
                work = ShopWorkload.run(pool::getConnection, transferThreads, transfers, orderThreads, orders, 42);
                story.step(String.format(Locale.ROOT, "A shop ran through jdbc:waly:postgresql (HikariCP, %d threads): %s transfers, "
                                + "%s orders, %s transactions rolled back, %s savepoints undone", transferThreads + orderThreads,
                        Numbers.count(work.transfers.get()), Numbers.count(work.orders.get()), Numbers.count(work.rolledBack()),
                        Numbers.count(work.savepointsUndone.get())));
                story.detail("(overdrafts refused by a CHECK, cancelled transfers, fees undone by ROLLBACK TO SAVEPOINT, orders out");
                story.detail(" of stock, a failing INSERT; serial and identity keys, now(), gen_random_uuid() pinned in the log)");
                beforeDelete = checksums(source);
                try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
                    c.setAutoCommit(true);
                    linesBefore = count(st, "SELECT count(*) FROM order_line");
                    deleted = st.executeUpdate("DELETE FROM orders");
                }
                story.step("A bad deploy ran DELETE FROM orders (the WHERE clause got lost): " + Numbers.count(deleted)
                        + " orders and " + Numbers.count(linesBefore) + " order lines gone");
                sourceEnd = checksums(source);
            }

            LogSource.Verification v = new DirectoryLog(logDir).verify(null);
            pass &= v.ok();
            int segments = (Integer) v.details().get("segments");
            story.step(v.ok()
                    ? String.format(Locale.ROOT, "waly verify: %s records in %d segment%s, sequences 1–%d, checksums and hash chain intact",
                            Numbers.count(v.records()), segments, segments == 1 ? "" : "s", v.lastSeq())
                    : "waly verify: FAILED: " + v.problem());

            String replica = server.newDatabase("replica");
            ReplaySummary full = Replayer.replay(logDir, new PostgresTarget(replica));
            story.step(String.format(Locale.ROOT, "waly replay into a fresh database: %s transactions, %s statements (the rolled-back "
                    + "ones and the failed statements skipped)", Numbers.count(full.transactions), Numbers.count(full.statements)));
            Map<String, String> replicaSums = checksums(replica);
            List<String> differ = TableChecksums.differences(sourceEnd, replicaSums);
            pass &= differ.isEmpty();
            story.step(differ.isEmpty()
                    ? "Checksum per table, source vs replay: all " + sourceEnd.size() + " tables equal"
                    : "Checksum per table, source vs replay: DIFFERENT: " + String.join(", ", differ));
            int w = sourceEnd.keySet().stream().mapToInt(String::length).max().orElse(10);
            for (Map.Entry<String, String> e : sourceEnd.entrySet()) {
                story.detail(String.format(Locale.ROOT, "%-" + w + "s  %-48s %s", e.getKey(), e.getValue(),
                        e.getValue().equals(replicaSums.get(e.getKey())) ? "= replay" : "≠ replay " + replicaSums.get(e.getKey())));
            }

            long deleteSeq = findDelete(logDir, "orders");
            story.step("waly inspect --table orders --kind STATEMENT finds the DELETE at sequence " + Numbers.count(deleteSeq));

            String restore = server.newDatabase("restore");
            ReplaySummary pitr = Replayer.replay(logDir, ReplayOptions.builder().toSeq(deleteSeq - 1).build(), new PostgresTarget(restore));
            Map<String, String> restoreSums = checksums(restore);
            List<String> pitrDiffer = TableChecksums.differences(beforeDelete, restoreSums);
            long ordersBack;
            try (Connection c = DriverManager.getConnection(restore); Statement st = c.createStatement()) {
                ordersBack = count(st, "SELECT count(*) FROM orders");
            }
            pass &= pitrDiffer.isEmpty() && ordersBack == deleted;
            story.step(pitrDiffer.isEmpty()
                    ? String.format(Locale.ROOT, "waly replay --to-seq %d into a fresh database (point in time): %s transactions, "
                            + "the %s orders are back; all %d tables equal the shop just before the DELETE", deleteSeq - 1,
                            Numbers.count(pitr.transactions), Numbers.count(ordersBack), beforeDelete.size())
                    : "point-in-time replay differs from the shop before the DELETE: " + String.join(", ", pitrDiffer));

            pass &= mongo(story, logDir, deleteSeq - 1, restore);

            Path carsLog = Files.createTempDirectory("waly-demo-cars");
            try {
                pass &= CarsAct.run(() -> s.newDatabase("cars"), carsLog, story::step);
            } finally {
                deleteRecursively(carsLog);
            }
            Path commandsDir = Files.createTempDirectory("waly-demo-commands");
            try {
                pass &= CommandsAct.run(() -> s.newDatabase("loyalty"), commandsDir, story::step);
            } finally {
                deleteRecursively(commandsDir);
            }

            double total = (System.nanoTime() - t0) / 1e9;
            doc.put("ok", pass);
            doc.put("steps", story.steps);
            doc.put("log", keep == null ? null : logDir.toAbsolutePath().toString());
            doc.put("deleteSeq", deleteSeq);
            doc.put("tables", sourceEnd);
            doc.put("seconds", Math.round(total * 10) / 10.0);
            if (json) {
                Json.print(out, doc);
            } else {
                out.println();
                out.printf(Locale.ROOT, "%s in %.1f s: %s%n", pass ? "PASS" : "FAIL", total, pass
                        ? "the log reproduced every table exactly, a point-in-time replay undid the bad DELETE, "
                        + "the same history went into MongoDB, a deploy was rolled back into the old schema version, "
                        + "and a log of application commands replayed into PostgreSQL and MongoDB."
                        : "a replay did not reproduce the source (see above).");
                if (keep != null) {
                    out.println("The log is in " + logDir.toAbsolutePath() + ". Try:  ./waly inspect --log " + logDir + " --table orders | tail");
                } else {
                    out.println("Nothing is left running; the log was removed (./waly demo --keep DIR keeps it).");
                }
            }
            return pass ? ExitCode.OK : ExitCode.CHECK_FAILED;
        } finally {
            if (server != null) server.close();
            if (hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // shutting down: the hook closes the server
                }
            }
            if (keep == null) deleteRecursively(logDir);
        }
    }

    /**
     * The same log, up to just before the DELETE, into an in-memory MongoDB wire-protocol server: one collection per
     * table, one document per row.
     */
    private boolean mongo(Story story, Path logDir, long toSeq, String restore) throws SQLException {
        try (InMemoryMongoServer mongo = InMemoryMongoServer.start()) {
            String uri = mongo.newDatabaseUri("shop");
            ReplaySummary s = Replayer.replay(logDir, ReplayOptions.builder().toSeq(toSeq).build(),
                    MongoTarget.builder().target(uri).build());
            List<String> differ = new ArrayList<>();
            long documents = 0;
            try (com.mongodb.client.MongoClient client = com.mongodb.client.MongoClients.create(uri);
                 Connection pg = DriverManager.getConnection(restore); Statement st = pg.createStatement()) {
                com.mongodb.client.MongoDatabase db = client.getDatabase(new com.mongodb.ConnectionString(uri).getDatabase());
                for (String table : List.of("account", "transfer", "product", "orders", "order_line")) {
                    long docs = db.getCollection(table).countDocuments();
                    documents += docs;
                    if (docs != count(st, "SELECT count(*) FROM " + table)) differ.add(table);
                }
            }
            story.step(differ.isEmpty()
                    ? String.format(Locale.ROOT, "waly replay --to-seq %d --target mongodb://…: %s transactions translated, "
                            + "%s documents in 5 collections, one per row of the restored tables", toSeq,
                            Numbers.count(s.transactions), Numbers.count(documents))
                    : "MongoDB replay: document counts differ from the rows for " + String.join(", ", differ));
            return differ.isEmpty();
        } catch (ReplayException e) {
            story.step("MongoDB replay stopped: " + Commands.oneLine(e.getMessage(), 200));
            return false;
        }
    }

    private Path prepareLogDir() throws IOException {
        if (keep == null) return Files.createTempDirectory("waly-demo-log");
        if (Files.exists(keep) && !Files.isDirectory(keep)) throw CliException.usage("--keep " + keep + " is a file, not a directory");
        Files.createDirectories(keep);
        if (DirectoryLog.missing(keep) == null) {
            throw CliException.usage("--keep " + keep + " already holds a WAL-y log; give an empty or new directory");
        }
        return keep;
    }

    /** The sequence number of the last DELETE on {@code table}, found the way an operator would with {@code inspect}. */
    static long findDelete(Path log, String table) {
        long found = -1;
        try (RecordReader r = new DirectoryLog(log).open()) {
            LogRecord rec;
            while ((rec = r.next()) != null) {
                if (rec.kind() != RecordKind.STATEMENT) continue;
                Command c = Payloads.Statement.decode(rec.payload()).command();
                if (c instanceof Command.Delete && Commands.matchesTable(Commands.tables(c), table)) found = rec.seq();
            }
        }
        if (found < 0) throw new IllegalStateException("no DELETE on " + table + " in the log");
        return found;
    }

    private static Map<String, String> checksums(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url)) {
            return TableChecksums.of(c);
        }
    }

    private static long count(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: a temp directory
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }
}
