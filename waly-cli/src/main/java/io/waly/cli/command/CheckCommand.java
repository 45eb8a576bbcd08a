package io.waly.cli.command;

import io.waly.cli.CliException;
import io.waly.cli.ExitCode;
import io.waly.cli.support.Json;
import io.waly.cli.support.Numbers;
import io.waly.cli.support.Redactor;
import io.waly.embedded.PostgresServer;
import io.waly.jdbc.TxidStatus;
import io.waly.jdbc.replay.CatalogSnapshot;
import io.waly.jdbc.replay.PostgresTarget;
import io.waly.log.replay.ReplayException;
import io.waly.log.replay.ReplayOptions;
import io.waly.log.replay.ReplaySummary;
import io.waly.log.replay.Replayer;
import io.waly.jdbc.replay.TableChecksums;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
        header = "The proven backup: replays the log into a scratch database and compares every table and the catalog with the source.",
        description = {
            "Verifies the log, replays it into a scratch database (a private embedded PostgreSQL unless --scratch is "
                + "given; it must be empty), and compares a checksum of every table (row count and an MD5 over the rows) "
                + "and the catalog of every user schema (relations, columns, types, defaults, constraints, indexes, "
                + "sequences with their state, views, functions, triggers, grants, comments) with the source database. "
                + "Exits 1 naming each table and catalog object that differs.",
            "",
            "Owners and grants name roles, which belong to the server, not the database: they are compared only with "
                + "--scratch (a server that has the source's roles); the private scratch has none of them.",
            "",
            "The source must be quiescent at the log's end (no writes while the check runs): check names the log position "
                + "it compared at, and says so when the log grew during the check.",
            "",
            "Example:  waly check --log /var/lib/shop/waly --source 'jdbc:postgresql://db.example/shop?user=app'"},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:every table and the catalog of the replay equal the source",
            "1:a table or catalog object differs (each is named), the log is damaged, or replay stopped on a failing statement",
            "2:usage or environment error: no log, source or scratch unreachable, scratch not empty"})
public final class CheckCommand extends WalyCommand {

    @Option(names = "--log", required = true, paramLabel = LogOptions.LABEL, description = LogOptions.DESCRIPTION)
    String location;

    @Option(names = "--source", required = true, paramLabel = "URL",
            description = "The source database (pgjdbc URL), quiescent at the log's end.")
    String source;

    @Option(names = "--source-user", paramLabel = "USER", description = "Source user (else the URL's user=).")
    String sourceUser;

    @Option(names = "--source-password", paramLabel = "PASSWORD", description = "Source password; default: PGPASSWORD.")
    String sourcePassword;

    @Option(names = "--scratch", paramLabel = "URL",
            description = "An empty database to replay into (pgjdbc URL); default: a private embedded PostgreSQL, removed afterwards.")
    String scratch;

    @Option(names = "--in-doubt", paramLabel = "fail|commit|rollback", defaultValue = "fail",
            description = "A transaction in doubt that neither the log nor the source's txid_status() decides: fail (default), commit, rollback.")
    String inDoubt;

    @Override
    protected int execute() throws Exception {
        io.waly.log.LogSource logSource = LogOptions.source(location);
        if (!source.startsWith("jdbc:postgresql:")) {
            throw CliException.usage("--source must be a jdbc:postgresql://… URL, but was: " + Redactor.url(source));
        }
        if (scratch != null && !scratch.startsWith("jdbc:postgresql:")) {
            throw CliException.usage("--scratch must be a jdbc:postgresql://… URL, but was: " + Redactor.url(scratch));
        }
        ReplayOptions.InDoubtPolicy policy;
        try {
            policy = ReplayOptions.InDoubtPolicy.valueOf(inDoubt.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--in-doubt must be fail, commit or rollback, but was: " + inDoubt);
        }
        PrintWriter err = err();
        Properties sourceProps = new Properties();
        if (sourceUser != null) sourceProps.setProperty("user", sourceUser);
        String sourcePw = Targets.password(sourcePassword);
        if (sourcePw != null) sourceProps.setProperty("password", sourcePw);
        // reach the source first: an unreachable source is an environment error, before any work
        try (Connection c = DriverManager.getConnection(source, sourceProps)) {
            c.isValid(5);
        }

        io.waly.log.LogSource.Verification verified = logSource.verify(null);
        long logEnd = verified.lastSeq();
        if (!verified.ok()) {
            return fail(ExitCode.CHECK_FAILED, "the log is damaged, so it is no backup: " + verified.problem() + " (sequence "
                    + verified.problemSeq() + "; run waly verify for details)", Json.map("problemSeq", verified.problemSeq()));
        }

        PostgresServer server = null;
        try {
            String scratchUrl = scratch;
            if (scratchUrl == null) {
                err.println("waly check: starting a private PostgreSQL for the scratch replay…");
                err.flush();
                server = PostgresServer.start(PostgresServer.Durability.SCRATCH);
                scratchUrl = server.newDatabase("waly_check");
            }
            ReplaySummary replayed;
            try (TxidStatus sourceDb = TxidStatus.of(source, sourceUser, sourcePw)) {
                replayed = new Replayer(logSource, ReplayOptions.builder().inDoubt(policy).inDoubtSource(sourceDb).build())
                        .run(new PostgresTarget(scratchUrl));
            } catch (ReplayException e) {
                return fail(e.kind() == ReplayException.Kind.REFUSED ? ExitCode.USAGE : ExitCode.CHECK_FAILED,
                        "the replay into the scratch database stopped: " + e.getMessage(), Json.map("seq", e.seq()));
            }
            Map<String, String> src;
            CatalogSnapshot srcCatalog;
            try (Connection c = DriverManager.getConnection(source, sourceProps)) {
                src = TableChecksums.of(c);
                srcCatalog = CatalogSnapshot.of(c);
            }
            Map<String, String> rep;
            CatalogSnapshot repCatalog;
            try (Connection c = DriverManager.getConnection(scratchUrl)) {
                rep = TableChecksums.of(c);
                repCatalog = CatalogSnapshot.of(c);
            }
            boolean compareRoles = server == null;
            List<String> catalog = CatalogSnapshot.diff(srcCatalog, repCatalog).stream()
                    .filter(d -> compareRoles || !namesRoles(d)).toList();
            long logEndAfter = logSource.lastSeq();
            boolean quiescent = logEndAfter == logEnd;
            List<String> differ = TableChecksums.differences(src, rep);
            return report(replayed, logEnd, logEndAfter, quiescent, src, rep, differ, catalog, compareRoles);
        } finally {
            if (server != null) server.close();
        }
    }

    /** A difference in an owner or a grant ({@code "table public.t: owner app vs postgres"}). */
    private static boolean namesRoles(String difference) {
        int colon = difference.indexOf(": ");
        String what = colon < 0 ? "" : difference.substring(colon + 2);
        return what.startsWith("owner ") || what.startsWith("acl ");
    }

    private int report(ReplaySummary replayed, long logEnd, long logEndAfter, boolean quiescent, Map<String, String> src,
                       Map<String, String> rep, List<String> differ, List<String> catalog, boolean comparedRoles) {
        boolean ok = differ.isEmpty() && catalog.isEmpty();
        java.util.TreeSet<String> names = new java.util.TreeSet<>(src.keySet());
        names.addAll(rep.keySet());
        List<String> all = new ArrayList<>(names);
        if (json) {
            List<Object> tables = new ArrayList<>();
            for (String t : all) {
                tables.add(Json.map("table", t, "equal", !differ.contains(t), "source", src.get(t), "replayed", rep.get(t)));
            }
            Json.print(out(), Json.map("ok", ok, "comparedAtSeq", logEnd, "lastCommitSeq", replayed.lastCommitSeq,
                    "transactions", replayed.transactions, "quiescent", quiescent, "logEndAfter", logEndAfter,
                    "differ", differ, "tables", tables, "catalogDiffers", catalog, "ownersAndGrantsCompared", comparedRoles));
        } else {
            PrintWriter o = out();
            o.printf(Locale.ROOT, "replayed %s transactions into a scratch database up to sequence %d in %.1f s%n",
                    Numbers.count(replayed.transactions), replayed.lastCommitSeq, replayed.seconds());
            o.printf(Locale.ROOT, "compared at log position %d (the end of the log; the source must be quiescent there)%n", logEnd);
            int w = all.stream().mapToInt(String::length).max().orElse(10);
            for (String t : all) {
                if (differ.contains(t)) {
                    o.printf(Locale.ROOT, "  %-" + w + "s  DIFFERS  source %s / replayed %s%n", t, orNone(src.get(t)), orNone(rep.get(t)));
                } else {
                    o.printf(Locale.ROOT, "  %-" + w + "s  equal    %s%n", t, src.get(t));
                }
            }
            for (String d : catalog) o.printf(Locale.ROOT, "  catalog  DIFFERS  %s (source vs replayed)%n", d);
            if (!comparedRoles) o.println("owners and grants not compared: the private scratch has none of the source's roles (give --scratch to compare them)");
            if (ok) {
                o.printf(Locale.ROOT, "ok: all %d tables and the catalog of the replay equal the source: the log is a proven backup at sequence %d%n",
                        all.size(), logEnd);
            } else if (differ.isEmpty()) {
                o.printf(Locale.ROOT, "FAILED: the catalog differs in %s%n", places(catalog.size()));
            } else {
                o.printf(Locale.ROOT, "FAILED: %d of %d tables differ: %s%s%n", differ.size(), all.size(), String.join(", ", differ),
                        catalog.isEmpty() ? "" : "; the catalog differs in " + places(catalog.size()));
            }
        }
        if (!quiescent) {
            err().println("waly check: the log grew from sequence " + logEnd + " to " + logEndAfter + " during the check: the source "
                    + "was not quiescent, and differences may be writes made after sequence " + logEnd);
        }
        return ok ? ExitCode.OK : ExitCode.CHECK_FAILED;
    }

    private static String places(int n) {
        return n == 1 ? "1 place" : n + " places";
    }

    private static String orNone(String s) {
        return s == null ? "(no such table)" : s;
    }
}
