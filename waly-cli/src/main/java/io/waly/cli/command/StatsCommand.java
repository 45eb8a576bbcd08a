package io.waly.cli.command;

import io.waly.cli.ExitCode;
import io.waly.cli.support.AppCommandCounts;
import io.waly.cli.support.Commands;
import io.waly.cli.support.Json;
import io.waly.cli.support.Numbers;
import io.waly.cli.support.Times;
import io.waly.log.LogRecord;
import io.waly.log.format.RecordKind;
import io.waly.log.payload.Payloads;
import io.waly.log.read.DirectoryLog;
import io.waly.log.tx.InDoubtResolver;
import io.waly.log.tx.Transaction;
import io.waly.log.tx.TransactionReader;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "stats", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Counts: records, transactions (committed, rolled back, in doubt), tables, commands, bytes, time span.",
        description = {
            "Reads the whole log once as records and once as transactions, the way replay reads it. Transactions: "
                + "committed (what replay applies), rolled back (or whose commit failed), in doubt (COMMIT logged, outcome "
                + "not, at the end of the log), never committed (left open by a writer that went away), unfinished (still "
                + "open at the end: a writer is running). Per table and per command: the statements of committed "
                + "transactions that succeeded, and the rows they reported. Application commands (the model's commands:): per "
                + "name, those of committed transactions, called or recognised. Policies: per rule of the model, the statements "
                + "it refused and warned about; and what the writers' recording policy left out of the log (tables not "
                + "logged, columns logged as hashes), said as it matters to a replay. Versions: the committed transactions "
                + "per application version (walyAppVersion) and database migration version they were written under.",
            "",
            "Example:  waly stats --log /var/lib/shop/waly --json | jq .transactions"},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:ok",
            "1:the log is damaged where it was read",
            "2:usage or environment error"})
public final class StatsCommand extends WalyCommand {

    @Option(names = "--log", required = true, paramLabel = LogOptions.LABEL, description = LogOptions.DESCRIPTION)
    String location;

    @Override
    protected int execute() {
        io.waly.log.LogSource logSource = LogOptions.source(location);
        // a directory's segments and bytes on disk; a topic's records' own bytes (counted below)
        DirectoryLog dir = logSource instanceof DirectoryLog d ? d : null;
        int segments = dir != null ? dir.segmentCount() : 0;
        long bytes = dir != null ? dir.bytes() : 0;
        long logBytes = 0;

        Map<RecordKind, Long> kinds = new EnumMap<>(RecordKind.class);
        Map<String, Map<String, Long>> decisions = new TreeMap<>();   // rule -> event -> count
        AppCommandCounts appCommands = new AppCommandCounts();
        long records = 0, firstSeq = 0, lastSeq = 0, firstMicros = 0, lastMicros = 0, failedStatements = 0, begins = 0;
        try (io.waly.log.RecordReader r = logSource.open()) {
            LogRecord rec;
            while ((rec = r.next()) != null) {
                logBytes += rec.size();
                if (records++ == 0) {
                    firstSeq = rec.seq();
                    firstMicros = rec.timestampMicros();
                }
                lastSeq = rec.seq();
                lastMicros = rec.timestampMicros();
                kinds.merge(rec.kind(), 1L, Long::sum);
                appCommands.accept(rec);
                if (rec.kind() == RecordKind.OUTCOME && !Payloads.Outcome.decode(rec.payload()).ok()) failedStatements++;
                if (rec.kind() == RecordKind.BEGIN) begins++;
                if (rec.kind() == RecordKind.POLICY) {
                    Payloads.Policy p = Payloads.Policy.decode(rec.payload());
                    if (!Payloads.Policy.RECORDING.equals(p.event())) {
                        decisions.computeIfAbsent(p.rule(), k -> new TreeMap<>()).merge(p.event(), 1L, Long::sum);
                    }
                }
            }
        }

        long[] inDoubt = {0};
        // in doubt at the end of the log: counted, not decided (stats never guesses, and never stops on one)
        InDoubtResolver counting = (txId, dbTxid, conn) -> {
            inDoubt[0]++;
            return InDoubtResolver.Decision.ROLLED_BACK;
        };
        Map<String, long[]> tables = new TreeMap<>();          // table -> {statements, rows}
        Map<String, Long> commands = new TreeMap<>();
        Map<String, Long> versions = new TreeMap<>();         // "app X, db Y" -> committed transactions
        long committedStatements = 0;
        TransactionReader.Counts counts;
        if (dir == null) bytes = logBytes;
        try (TransactionReader txs = TransactionReader.open(logSource, 1, 0, counting)) {
            Transaction tx;
            while ((tx = txs.next()) != null) {
                if (!tx.sequencesOnly()) versions.merge(versionLabel(tx), 1L, Long::sum);
                for (Transaction.Step step : tx.steps()) {
                    if (!(step instanceof Transaction.StatementStep st) || !st.succeeded()) continue;
                    committedStatements++;
                    commands.merge(Commands.label(st.statement().command()), 1L, Long::sum);
                    long rows = 0;
                    if (st.outcome().counts() != null) for (long c : st.outcome().counts()) rows += Math.max(0, c);
                    for (String t : Commands.tables(st.statement().command())) {
                        long[] a = tables.computeIfAbsent(t, k -> new long[2]);
                        a[0]++;
                        a[1] += rows;
                    }
                }
            }
            counts = txs.counts();
        }
        long committed = counts.committed;
        long rolledBack = counts.rolledBack - inDoubt[0];
        long recovered = counts.recovered - inDoubt[0];
        long unfinished = Math.max(0, begins - committed - rolledBack - inDoubt[0] - counts.neverCommitted);

        Map<String, Object> kindMap = new LinkedHashMap<>();
        kinds.forEach((k, v) -> kindMap.put(k.name(), v));
        Map<String, Object> tableMap = new LinkedHashMap<>();
        tables.forEach((t, a) -> tableMap.put(t, Json.map("statements", a[0], "rows", a[1])));
        Duration span = Duration.ofNanos((lastMicros - firstMicros) * 1000);
        if (json) {
            Json.print(out(), Json.map("log", LogOptions.describe(location), "segments", segments, "bytes", bytes,
                    "records", records, "firstSeq", firstSeq, "lastSeq", lastSeq,
                    "firstTime", records == 0 ? null : Times.format(Times.ofMicros(firstMicros)),
                    "lastTime", records == 0 ? null : Times.format(Times.ofMicros(lastMicros)),
                    "spanSeconds", span.toMillis() / 1000.0,
                    "transactions", Json.map("committed", committed, "rolledBack", rolledBack, "inDoubt", inDoubt[0],
                            "neverCommitted", counts.neverCommitted, "unfinished", unfinished, "recoveredByWriter", recovered),
                    "statements", Json.map("logged", counts.statements, "committed", committedStatements, "failed", failedStatements),
                    "recordKinds", kindMap, "commands", commands, "applicationCommands", appCommandsJson(appCommands),
                    "tables", tableMap, "policies", decisions, "versions", versions,
                    "leftOutOfTheLog", List.copyOf(counts.leftOutOfTheLog)));
            return ExitCode.OK;
        }
        PrintWriter o = out();
        o.printf(Locale.ROOT, "log           %s: %d segment%s, %s%n", LogOptions.describe(location), segments,
                segments == 1 ? "" : "s", Numbers.bytes(bytes));
        o.printf(Locale.ROOT, "records       %s (sequences %d–%d)%n", Numbers.count(records), firstSeq, lastSeq);
        if (records > 0) {
            o.printf(Locale.ROOT, "time span     %s … %s (%s)%n", Times.format(Times.ofMicros(firstMicros)),
                    Times.format(Times.ofMicros(lastMicros)), Times.human(span));
        }
        o.printf(Locale.ROOT, "transactions  %s committed, %s rolled back, %s in doubt, %s never committed, %s unfinished%s%n",
                Numbers.count(committed), Numbers.count(rolledBack), Numbers.count(inDoubt[0]), Numbers.count(counts.neverCommitted),
                Numbers.count(unfinished), recovered > 0 ? " (" + recovered + " decided by a later writer's recovery)" : "");
        o.printf(Locale.ROOT, "statements    %s logged, %s in committed transactions, %s failed on the database%n",
                Numbers.count(counts.statements), Numbers.count(committedStatements), Numbers.count(failedStatements));
        List<String> kindList = new ArrayList<>();
        kinds.forEach((k, v) -> kindList.add(k.name() + " " + Numbers.count(v)));
        o.printf("record kinds  %s%n", String.join(", ", kindList));
        List<String> cmdList = new ArrayList<>();
        commands.forEach((k, v) -> cmdList.add(k + " " + Numbers.count(v)));
        o.printf("commands      %s%n", cmdList.isEmpty() ? "none" : String.join(", ", cmdList));
        String appLine = appCommands.line();
        if (appLine != null) o.printf("app commands  %s%n", appLine);
        if (!decisions.isEmpty()) {
            List<String> rules = new ArrayList<>();
            decisions.forEach((rule, events) -> {
                List<String> e = new ArrayList<>();
                events.forEach((ev, n) -> e.add(Numbers.count(n) + " " + ev));
                rules.add(rule + " " + String.join(", ", e));
            });
            o.printf("policies      %s%n", String.join("; ", rules));
        }
        if (!versions.isEmpty()) {
            List<String> v = new ArrayList<>();
            versions.forEach((k, n) -> v.add(k + ": " + Numbers.count(n)));
            o.printf("versions      %s%n", String.join("; ", v));
        }
        for (String note : counts.leftOutOfTheLog) o.printf("left out      %s%n", note);
        if (!tables.isEmpty()) {
            int w = Math.max(12, tables.keySet().stream().mapToInt(String::length).max().orElse(10));
            o.printf(Locale.ROOT, "tables (committed)%n  %-" + w + "s  %10s %10s%n", "table", "statements", "rows");
            tables.forEach((t, a) -> o.printf(Locale.ROOT, "  %-" + w + "s  %10s %10s%n", t, Numbers.count(a[0]), Numbers.count(a[1])));
        }
        return ExitCode.OK;
    }

    /** The versions a transaction was written under, as stats groups them: "app 2.1, db 7", "unknown". */
    static String versionLabel(Transaction tx) {
        if (tx.appVersion() == null && tx.dbVersion() == null) return "unknown";
        return (tx.appVersion() != null ? "app " + tx.appVersion() : "app unknown")
                + (tx.dbVersion() != null ? ", db " + tx.dbVersion() : ", db unknown");
    }

    /** {"committed": {"CREATE_ACCOUNT": {"called": 2, "recognised": 1}}, "rolledBack": 1}. */
    private static Map<String, Object> appCommandsJson(AppCommandCounts counts) {
        Map<String, Object> committed = new LinkedHashMap<>();
        counts.committed().forEach((k, c) -> committed.put(k, Json.map("called", c.called(), "recognised", c.recognised())));
        return Json.map("committed", committed, "rolledBack", counts.rolledBack());
    }
}
