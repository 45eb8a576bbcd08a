package io.waly.cli.command;

import io.waly.cli.CliException;
import io.waly.cli.ExitCode;
import io.waly.cli.support.Json;
import io.waly.cli.support.Redactor;
import io.waly.jdbc.versions.VersionViews;
import io.waly.model.Model;
import io.waly.model.Versions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code waly versions create|list|retire}: the versioned views a rolling deploy reads through. */
public final class VersionsViewsCommand {
    private VersionsViewsCommand() {}

    /** What the three commands share: the database, and the model where a version is named. */
    public abstract static class Base extends WalyCommand {
        @Option(names = "--database", required = true, paramLabel = "URL",
                description = "The application's database (pgjdbc URL, user with CREATE on it); PGPASSWORD for the password.")
        String database;

        Connection connect() throws java.sql.SQLException {
            if (!database.startsWith("jdbc:postgresql:")) {
                throw CliException.usage("--database must be a jdbc:postgresql://… URL, but was: " + Redactor.url(database));
            }
            Properties p = new Properties();
            String pw = Targets.password(null);
            if (pw != null) p.setProperty("password", pw);
            return DriverManager.getConnection(database, p);
        }

        static Versions.Version version(Versions versions, String name) {
            try {
                return versions.version(name);
            } catch (IllegalArgumentException e) {
                throw CliException.usage(e.getMessage());
            }
        }

        static Versions versions(Path model) {
            try {
                Versions v = Model.load(model).versions();
                if (v.isEmpty()) throw CliException.usage("the model " + model + " declares no versions:");
                return v;
            } catch (IllegalArgumentException e) {
                throw CliException.usage(e.getMessage());
            }
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false,
            header = "Creates the views of a version: schema waly_v_<version>, one view per versioned table in that version's shape.",
            description = {"Each view maps the table's rows from the database's version (--current) to --version by the "
                    + "model's mappings. An application of that version reads its own shape with the schema first on its "
                    + "search path (currentSchema=waly_v_1,public). Read only: writes through the views are not mapped.",
                "", "Example:  waly versions create --database jdbc:postgresql://db/shop?user=owner --model waly-model.yaml --version 1 --current 2"})
    public static final class Create extends Base {
        @Option(names = "--model", required = true, paramLabel = "FILE", description = "The model file whose versions: are used.")
        Path model;
        @Option(names = "--version", required = true, paramLabel = "N", description = "The version the views show.")
        String version;
        @Option(names = "--current", required = true, paramLabel = "M", description = "The version the database is at.")
        String current;

        @Override
        protected int execute() throws Exception {
            Versions versions = versions(model);
            Versions.Version v = version(versions, version), at = version(versions, current);
            try (Connection c = connect()) {
                List<String> made = VersionViews.create(c, versions, v, at);
                if (json) Json.print(out(), Json.map("ok", true, "schema", VersionViews.schema(v), "views", made));
                else out().println("version " + v.name() + " over version " + at.name() + ": " + String.join(", ", made));
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, header = "Lists the versions that have views in the database.")
    public static final class ListViews extends Base {
        @Override
        protected int execute() throws Exception {
            try (Connection c = connect()) {
                Map<String, List<String>> all = VersionViews.list(c);
                if (json) Json.print(out(), Json.map("versions", all));
                else if (all.isEmpty()) out().println("no versioned views");
                else all.forEach((schema, views) -> out().println(schema + ": " + String.join(", ", views)));
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "retire", mixinStandardHelpOptions = true, header = "Drops a version's views, once no application of it is left.")
    public static final class Retire extends Base {
        @Option(names = "--model", required = true, paramLabel = "FILE", description = "The model file that names the version.")
        Path model;
        @Option(names = "--version", required = true, paramLabel = "N", description = "The version whose views go.")
        String version;

        @Override
        protected int execute() throws Exception {
            Versions.Version v = version(versions(model), version);
            try (Connection c = connect()) {
                boolean dropped = VersionViews.retire(c, v);
                if (json) Json.print(out(), Json.map("ok", true, "retired", dropped, "schema", VersionViews.schema(v)));
                else out().println(dropped ? "retired " + VersionViews.schema(v) : "version " + v.name() + " has no views here");
            }
            return ExitCode.OK;
        }
    }
}
