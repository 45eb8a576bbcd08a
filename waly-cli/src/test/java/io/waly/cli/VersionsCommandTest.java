package io.waly.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Schema versions at the command line: inspect and stats show the versions each transaction was written under,
 * {@code waly replay --schema-version 1} rolls a deploy back into version 1's shape (the migration recognised by its
 * DDL, with no migration tool), and {@code waly versions check} proves the mappings on the log's rows.
 */
class VersionsCommandTest {

    /** The demo's cars act declares the model this test drives: one model, read the same way by both. */
    static final String MODEL = io.waly.cli.demo.CarsAct.MODEL;

    @Test
    void replayIntoVersionOneStatsInspectAndCheck() throws Exception {
        Path dir = ShopLogs.tempDir("waly-cli-versions");
        Path model = dir.resolve("model.yaml");
        Files.writeString(model, MODEL);
        Path log = dir.resolve("log");
        String source = ShopLogs.newDatabase("cli_versions");
        try (Connection c = DriverManager.getConnection(ShopLogs.walyUrl(source, log) + "&walyAppVersion=1.0");
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE cars (id bigint PRIMARY KEY, name text, production_year int4)");
            s.execute("INSERT INTO cars VALUES (1, 'Beetle', 1938), (2, '2CV', 1948)");
        }
        try (Connection c = DriverManager.getConnection(ShopLogs.walyUrl(source, log) + "&walyAppVersion=2.0")) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {   // the migration, as version 2 deploys it
                s.execute("ALTER TABLE cars ADD COLUMN production_years int4multirange");
                s.execute("UPDATE cars SET production_years = int4multirange(int4range(production_year, production_year, '[]'))");
                s.execute("ALTER TABLE cars DROP COLUMN production_year");
            }
            c.commit();
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO cars VALUES (3, 'Mini', '{[1959,1968),[1990,2001)}')");
            }
        }

        Cli.Run stats = Cli.run("stats", "--log", log.toString());
        assertThat(stats.exitCode()).as(stats.toString()).isZero();
        assertThat(stats.out()).contains("versions      app 1.0, db unknown: 2; app 2.0, db unknown: 2");
        Cli.Run inspect = Cli.run("inspect", "--log", log.toString(), "--kind", "BEGIN");
        assertThat(inspect.out()).contains("app 1.0").contains("app 2.0");

        String v1 = ShopLogs.newDatabase("cli_versions_v1");
        Cli.Run replay = Cli.run("replay", "--log", log.toString(), "--target", v1, "--model", model.toString(),
                "--schema-version", "1");
        assertThat(replay.exitCode()).as(replay.toString()).isZero();
        assertThat(replay.out()).contains("schema version 1").contains("1 statements mapped from version 2 to 1 (cars)")
                .contains("1 transactions of migrations past version 1 left out");
        List<String> cars = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(v1); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, name, production_year FROM cars ORDER BY id")) {
            while (rs.next()) cars.add(rs.getLong(1) + " " + rs.getString(2) + " " + rs.getInt(3));
        }
        assertThat(cars).containsExactly("1 Beetle 1938", "2 2CV 1948", "3 Mini 1959");

        Cli.Run noModel = Cli.run("replay", "--log", log.toString(), "--target", v1, "--schema-version", "1");
        assertThat(noModel.exitCode()).isEqualTo(2);
        assertThat(noModel.err()).contains("--schema-version needs --model");
        Cli.Run noVersion = Cli.run("replay", "--log", log.toString(), "--target", v1, "--model", model.toString(),
                "--schema-version", "7");
        assertThat(noVersion.exitCode()).isEqualTo(2);
        assertThat(noVersion.err()).contains("the model has no version 7 (versions: 1, 2)");

        Cli.Run check = Cli.run("versions", "check", "--log", log.toString(), "--model", model.toString(),
                "--database", ShopLogs.newDatabase("cli_versions_eval"));
        assertThat(check.exitCode()).as(check.toString()).isZero();
        assertThat(check.out()).contains("checked 2 rows: the up mapping of cars (version 1 → 2, model line 15) then the down "
                + "mapping of cars (version 2 → 1, model line 16)").contains("not checked, lossy: 1 rows")
                .contains("every checked row came back");

        // the read side of a rolling deploy: version 1's views over the database at version 2
        Cli.Run create = Cli.run("versions", "create", "--database", source, "--model", model.toString(), "--version", "1",
                "--current", "2");
        assertThat(create.exitCode()).as(create.toString()).isZero();
        assertThat(create.out()).contains("version 1 over version 2: waly_v_1.cars");
        List<String> seen = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(source + "&currentSchema=waly_v_1,public"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, name, production_year FROM cars ORDER BY id")) {
            while (rs.next()) seen.add(rs.getLong(1) + " " + rs.getString(2) + " " + rs.getInt(3));
        }
        assertThat(seen).containsExactly("1 Beetle 1938", "2 2CV 1948", "3 Mini 1959");
        Cli.Run list = Cli.run("versions", "list", "--database", source);
        assertThat(list.out()).contains("waly_v_1 (WAL-y: the views of schema version 1 over a database at version 2): cars");
        Cli.Run retire = Cli.run("versions", "retire", "--database", source, "--model", model.toString(), "--version", "1");
        assertThat(retire.out()).contains("retired waly_v_1");
        assertThat(Cli.run("versions", "list", "--database", source).out()).contains("no versioned views");
    }

    @Test
    void inspectShowsWhatAnOlderApplicationSentNextToWhatWasSentInItsStead() throws Exception {
        Path dir = ShopLogs.tempDir("waly-cli-versions-live");
        Path model = dir.resolve("model.yaml");
        Files.writeString(model, MODEL);
        Path log = dir.resolve("log");
        String url = ShopLogs.walyUrl(ShopLogs.newDatabase("cli_versions_live"), log) + "&walyModel=" + model;
        try (Connection v1 = DriverManager.getConnection(url + "&walyAppVersion=1.0")) {
            try (Statement s = v1.createStatement()) {
                s.execute("CREATE TABLE cars (id bigint PRIMARY KEY, name text, production_year int4)");
                s.execute("CALL waly.schema_version('1')");
            }
            try (Connection v2 = DriverManager.getConnection(url + "&walyAppVersion=2.0")) {
                v2.setAutoCommit(false);
                try (Statement s = v2.createStatement()) {   // the migration, as version 2 deploys it, and WAL-y's marker
                    s.execute("ALTER TABLE cars ADD COLUMN production_years int4multirange");
                    s.execute("ALTER TABLE cars DROP COLUMN production_year");
                    s.execute("CALL waly.schema_version('2')");
                }
                v2.commit();
            }
            try (Statement s = v1.createStatement()) {
                s.execute("INSERT INTO cars (id, name, production_year) VALUES (3, 'DS', 1955)");
            }
        }
        Cli.Run inspect = Cli.run("inspect", "--log", log.toString(), "--kind", "MAPPED,STATEMENT");
        assertThat(inspect.exitCode()).as(inspect.toString()).isZero();
        assertThat(inspect.out()).contains("as sent in version 1, mapped to 2: INSERT INTO cars (id, name, production_year) "
                + "VALUES (3, 'DS', 1955)").contains("INSERT INTO public.cars (id, name, production_years) VALUES (3::int8, "
                + "E'DS'::text, E'{[1955,1956)}'::int4multirange)").doesNotContain("waly.schema_version");
        Cli.Run stats = Cli.run("stats", "--log", log.toString());
        assertThat(stats.out()).contains("app 1.0, db 2: 1");
        Cli.Run commits = Cli.run("inspect", "--log", log.toString(), "--kind", "COMMIT");
        assertThat(commits.out()).contains("migrates to 1 (waly.schema_version)").contains("migrates to 2 (waly.schema_version)");
    }
}
