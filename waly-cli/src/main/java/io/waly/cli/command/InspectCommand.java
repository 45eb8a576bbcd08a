package io.waly.cli.command;

import io.waly.cli.CliException;
import io.waly.cli.ExitCode;
import io.waly.cli.support.Commands;
import io.waly.cli.support.Json;
import io.waly.cli.support.RecordView;
import io.waly.cli.support.Times;
import io.waly.log.LogRecord;
import io.waly.log.format.RecordKind;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "inspect", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Shows the log as people read it: sequence, time, transaction, kind, table, command, parameters, outcome.",
        description = {
            "One line per record, in the manner of pg_waldump: sequence number, time (UTC), transaction id (the sequence "
                + "number of its BEGIN), record kind, the table(s) a statement writes, the command and its SQL, the bound "
                + "parameters, and for an OUTCOME what the database answered (rows, error, effects).",
            "",
            "--format yaml and --format json (JSON Lines: one object per record, for jq) show the whole record: the "
                + "parsed command as a tree, typed parameters, recorded row images.",
            "",
            "Secrets are never shown: a role's PASSWORD '…' clause, parameters bound to columns named like password, "
                + "secret or token, and passwords in URLs are masked (***).",
            "",
            "Examples:",
            "  waly inspect --log /var/lib/shop/waly --table account --since 2026-11-24T09:00:00Z",
            "  waly inspect --log /var/lib/shop/waly --tx 1234 --format yaml",
            "  waly inspect --log /var/lib/shop/waly --command CREATE_ACCOUNT",
            "  waly inspect --log /var/lib/shop/waly --json | jq -c 'select(.kind == \"STATEMENT\") | .sql'"},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:ok (also when nothing matched)",
            "1:the log is damaged where it was read",
            "2:usage or environment error"})
public final class InspectCommand extends WalyCommand {

    @Option(names = "--log", required = true, paramLabel = LogOptions.LABEL, description = LogOptions.DESCRIPTION)
    String location;

    @Option(names = "--from-seq", paramLabel = "N", description = "Start at sequence N.")
    long fromSeq;

    @Option(names = "--to-seq", paramLabel = "N", description = "Stop after sequence N.")
    long toSeq;

    @Option(names = "--table", paramLabel = "T", split = ",",
            description = "Only statements writing table T (name or schema.name; repeatable) and their outcomes.")
    List<String> tables = new ArrayList<>();

    @Option(names = "--tx", paramLabel = "ID", description = "Only the records of transaction ID (the sequence number of its BEGIN).")
    long tx;

    @Option(names = "--since", paramLabel = "ISO-8601", converter = Times.Converter.class,
            description = "Only records written at or after this time (with a zone: 2026-11-24T10:00:00Z).")
    Instant since;

    @Option(names = "--kind", paramLabel = "KIND", split = ",",
            description = "Only records of these kinds: BEGIN, STATEMENT, OUTCOME, SAVEPOINT, RELEASE, ROLLBACK_TO, COMMIT, "
                    + "COMMITTED, ROLLBACK, OPENED, CLOSED, SESSION, POLICY, COMMAND, MAPPED.")
    List<String> kinds = new ArrayList<>();

    @Option(names = "--command", paramLabel = "NAME", split = ",",
            description = "Only the application commands NAME (of the model's commands:, case aside; repeatable): each "
                    + "COMMAND record with the statements it stands for and their outcomes.")
    List<String> appCommands = new ArrayList<>();

    @Option(names = "--limit", paramLabel = "N", description = "Show at most N records.")
    long limit;

    @Option(names = "--format", paramLabel = "text|yaml|json", defaultValue = "text",
            description = "text (default), yaml, or json (JSON Lines). --json is --format json.")
    String format;

    @Override
    protected int execute() {
        io.waly.log.LogSource logSource = LogOptions.source(location);
        String fmt = json ? "json" : format.toLowerCase(Locale.ROOT);
        if (!List.of("text", "yaml", "json").contains(fmt)) throw CliException.usage("--format must be text, yaml or json, but was: " + format);
        List<RecordKind> wantKinds = new ArrayList<>();
        for (String k : kinds) {
            try {
                wantKinds.add(RecordKind.valueOf(k.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw CliException.usage("unknown record kind: " + k);
            }
        }
        long micros = since == null ? Long.MIN_VALUE : Times.toMicros(since);
        long start = Math.max(fromSeq, tx);
        PrintWriter out = out();
        RecordView views = new RecordView();
        AppCommandFilter byCommand = appCommands.isEmpty() ? null : new AppCommandFilter(appCommands);
        long shown = 0;
        // from a transaction's BEGIN on, or from a sequence: a seek; from a time: a seek by segment creation time
        try (io.waly.log.RecordReader reader = logSource.open()) {
            if (start > 0) reader.fromSeq(start);
            else if (since != null) reader.fromTime(since);
            if (fmt.equals("text")) {
                out.printf("%8s  %-27s  %-10s %-11s %-18s %s%n", "SEQ", "TIME (UTC)", "TX", "KIND", "TABLE", "COMMAND");
            }
            LogRecord r;
            while ((r = reader.next()) != null) {
                if (toSeq > 0 && r.seq() > toSeq) break;
                if (tx > 0 && r.txId() != tx) continue;
                if (r.timestampMicros() < micros) continue;
                RecordView.View v = views.view(r);   // every record, so that outcomes know their statement's table
                if (byCommand != null && !byCommand.shows(r)) continue;
                if (!wantKinds.isEmpty() && !wantKinds.contains(r.kind())) continue;
                if (!tables.isEmpty() && !tables.stream().anyMatch(t -> Commands.matchesTable(v.tables(), t))) continue;
                switch (fmt) {
                    case "json" -> out.println(Json.compact(v.tree()));
                    case "yaml" -> out.print("---\n" + Json.yaml(v.tree()));
                    default -> out.println(RecordView.line(v));
                }
                shown++;
                if (limit > 0 && shown >= limit) break;
                if (tx > 0 && r.kind().endsTransaction()) break;
            }
            if (reader.tornTail() != null) {
                err().println("waly inspect: the log ends inside a record: " + reader.tornTail());
            }
        }
        out.flush();
        if (shown == 0) err().println("waly inspect: no records matched");
        return ExitCode.OK;
    }
}
