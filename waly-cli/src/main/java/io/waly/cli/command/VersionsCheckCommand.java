package io.waly.cli.command;

import io.waly.cli.CliException;
import io.waly.cli.ExitCode;
import io.waly.cli.support.Json;
import io.waly.cli.support.Numbers;
import io.waly.cli.support.Redactor;
import io.waly.embedded.PostgresServer;
import io.waly.jdbc.replay.VersionRoundTrip;
import io.waly.model.Model;
import io.waly.model.Versions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Proves the model's mappings on the log's rows: down(up(row)) = row, and up(down(row)) = row unless the down is lossy.",
        description = {
            "Every whole row of a versioned table the log holds (row images; INSERT … VALUES rows that give every column), "
                + "written under version V, goes up to V+1 and down again and must come back equal; written under V, it "
                + "goes down to V-1 and up again unless that down mapping says it is lossy (those rows are counted, not "
                + "checked). PostgreSQL evaluates the expressions and compares the rows as text: a private embedded "
                + "PostgreSQL unless --database is given (nothing is written there).",
            "",
            "Example:  waly versions check --log /var/lib/shop/waly --model waly-model.yaml"},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:every checked row came back",
            "1:a row did not come back (each is named with its statement and both texts)",
            "2:usage or environment error: no log, a bad model, the database unreachable"})
public final class VersionsCheckCommand extends WalyCommand {

    @Option(names = "--log", required = true, paramLabel = LogOptions.LABEL, description = LogOptions.DESCRIPTION)
    String location;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "The model file whose versions: are checked.")
    Path model;

    @Option(names = "--database", paramLabel = "URL",
            description = "A PostgreSQL database (pgjdbc URL) to evaluate the expressions in; default: a private embedded PostgreSQL.")
    String database;

    @Override
    protected int execute() throws Exception {
        Versions versions;
        try {
            versions = Model.load(model).versions();
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
        if (versions.isEmpty()) throw CliException.usage("the model " + model + " declares no versions:");
        io.waly.log.LogSource log = LogOptions.source(location);
        if (database != null && !database.startsWith("jdbc:postgresql:")) {
            throw CliException.usage("--database must be a jdbc:postgresql://… URL, but was: " + Redactor.url(database));
        }
        PostgresServer server = null;
        try {
            String url = database;
            if (url == null) {
                err().println("waly versions check: starting a private PostgreSQL to evaluate the mappings…");
                err().flush();
                server = PostgresServer.start(PostgresServer.Durability.SCRATCH);
                url = server.newDatabase("waly_versions");
            }
            VersionRoundTrip.Result r;
            try (Connection pg = DriverManager.getConnection(url, new Properties())) {
                r = new VersionRoundTrip(versions, pg).check(log);
            }
            return report(r);
        } finally {
            if (server != null) server.close();
        }
    }

    private int report(VersionRoundTrip.Result r) {
        List<String> failures = r.failures().stream().map(Object::toString).toList();
        if (json) {
            Json.print(out(), Json.map("ok", r.ok(), "checked", r.checked(), "lossyNotChecked", r.lossy(),
                    "rowsUnderUnplacedVersions", r.unplaced(), "failures", failures));
            return r.ok() ? ExitCode.OK : ExitCode.CHECK_FAILED;
        }
        PrintWriter o = out();
        if (r.checked().isEmpty()) o.println("no row of a versioned table to check in the log");
        r.checked().forEach((pair, n) -> o.println("checked " + Numbers.count(n) + " rows: " + pair));
        r.lossy().forEach((pair, n) -> o.println("not checked, lossy: " + Numbers.count(n) + " rows: " + pair));
        if (r.unplaced() > 0) o.println(Numbers.count(r.unplaced()) + " rows written under versions the model does not place: not checked");
        if (r.ok()) {
            o.println("every checked row came back");
            return ExitCode.OK;
        }
        return fail(ExitCode.CHECK_FAILED, failures.size() + " rows did not come back:\n  " + String.join("\n  ", failures), java.util.Map.of());
    }
}
