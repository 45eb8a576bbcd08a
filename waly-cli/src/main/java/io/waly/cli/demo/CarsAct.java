package io.waly.cli.demo;

import io.waly.jdbc.replay.PostgresTarget;
import io.waly.jdbc.replay.TableChecksums;
import io.waly.log.replay.Replayer;
import io.waly.model.Model;
import io.waly.model.Versions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The demo's second act, the seed's example: a version 1 application writes cars with a production year, version 2
 * (deployed first, its write mapped down before its migration ran) migrates it to a set of years (an {@code int4multirange}, the migration marked with WAL-y's
 * {@code CALL waly.schema_version('2')}) and writes cars built over several spans, while version 1, still running,
 * writes in its own shape (mapped up by the driver) and reads its own shape (through its views); then the deploy is
 * rolled back — the log replayed into a version 1 database, every car version 2 wrote mapped down — and replayed
 * forward into version 2, equal to the source.
 */
public final class CarsAct {
    /** The model the act declares: the two versions and the mapping of a car between them. */
    public static final String MODEL = """
            tables:
              cars: {}
            versions:
              - version: 1
                appVersions: ["1.*"]
                migrations: ["1"]
                tables:
                  cars: {columns: {id: int8, name: text, production_year: int4}}
              - version: 2
                appVersions: ["2.*"]
                migrations: ["2"]
                tables:
                  cars:
                    columns: {id: int8, name: text, production_years: int4multirange}
                    up: {production_years: "int4multirange(int4range(production_year, production_year, '[]'))"}
                    down: {production_year: "lower(production_years)"}
                    lossy: production_year keeps the first year of production_years
            """;

    private CarsAct() {}

    /**
     * Runs the act against {@code newDatabase} (a fresh database per call), logging into {@code logDir}; each step is
     * told through {@code step}. True when both replays came out as they should.
     */
    public static boolean run(java.util.function.Supplier<String> newDatabase, Path logDir, Consumer<String> step)
            throws SQLException, io.waly.log.replay.ReplayException {
        Versions versions = Model.parse(MODEL, "the demo's model").versions();
        Path model;
        try {
            model = java.nio.file.Files.createTempFile("waly-demo-cars", ".yaml");   // the driver reads the model from a file
            java.nio.file.Files.writeString(model, MODEL);
        } catch (java.io.IOException e) {
            throw new SQLException("cannot write the demo's model to a temporary file: " + e.getMessage(), e);
        }
        try {
            return run(versions, model, newDatabase, logDir, step);
        } finally {
            model.toFile().delete();
        }
    }

    private static boolean run(Versions versions, Path model, java.util.function.Supplier<String> newDatabase, Path logDir,
                               Consumer<String> step) throws SQLException, io.waly.log.replay.ReplayException {
        String source = newDatabase.get();
        String waly = source.replace("jdbc:postgresql:", "jdbc:waly:postgresql:") + "&walyLogDir=" + logDir + "&walyModel=" + model;
        List<String> seenByV1;
        try (Connection v1 = DriverManager.getConnection(waly + "&walyAppVersion=1.0")) {
            try (Statement s = v1.createStatement()) {
                s.execute("CREATE TABLE cars (id bigint PRIMARY KEY, name text NOT NULL, production_year int4)");
                s.execute("CALL waly.schema_version('1')");   // WAL-y's migration marker: no Flyway here
                s.execute("INSERT INTO cars VALUES (1, 'Beetle', 1938), (2, '2CV', 1948)");
            }
            try (Connection c = DriverManager.getConnection(waly + "&walyAppVersion=2.0")) {
                // version 2 deployed before its migration: its write is mapped down (version 1 can hold one span)
                try (Statement s = c.createStatement()) {
                    s.execute("INSERT INTO cars (id, name, production_years) VALUES (5, 'Polo', '{[1975,1976)}')");
                }
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.execute("ALTER TABLE cars ADD COLUMN production_years int4multirange");
                    s.execute("UPDATE cars SET production_years = int4multirange(int4range(production_year, production_year, '[]'))");
                    s.execute("ALTER TABLE cars DROP COLUMN production_year");
                    s.execute("CALL waly.schema_version('2')");
                }
                c.commit();
                c.setAutoCommit(true);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO cars VALUES (?, ?, ?::int4multirange)")) {
                    ps.setLong(1, 3);
                    ps.setString(2, "Mini");
                    ps.setString(3, "{[1959,1968), [1990,2001)}");
                    ps.executeUpdate();
                }
            }
            // the deploy rolls: version 1 still runs, on the migrated database
            try (Statement s = v1.createStatement()) {
                s.execute("INSERT INTO cars VALUES (4, 'DS', 1955)");
            }
            seenByV1 = cars(v1);
        }
        step.accept("Cars, the seed's example: version 1 wrote production_year; version 2, deployed before its migration, "
                + "wrote the Polo in its shape (mapped down); the migration made it production_years (int4multirange), "
                + "version 2 wrote the Mini, built 1959–1967 and 1990–2000");
        step.accept("Rolling deploy: version 1, still running, wrote the DS in its shape (mapped up before it was logged and "
                + "sent) and reads its own shape through waly_v_1: " + String.join(", ", seenByV1));

        String v1 = newDatabase.get();
        Replayer.replay(logDir, new PostgresTarget(v1).intoVersion(versions, "1"));
        List<String> cars = cars(v1);
        boolean ok = cars.equals(List.of("Beetle 1938", "2CV 1948", "Mini 1959", "DS 1955", "Polo 1975")) && cars.equals(seenByV1);
        step.accept("Rollback: waly replay --schema-version 1 into a fresh database: the migration left out, the Mini mapped "
                + "down (lossy: the first year): " + String.join(", ", cars) + (ok ? "" : "  ≠ expected"));

        String v2 = newDatabase.get();
        Replayer.replay(logDir, new PostgresTarget(v2).intoVersion(versions, "2"));
        List<String> differ;
        try (Connection s = DriverManager.getConnection(source); Connection t = DriverManager.getConnection(v2)) {
            differ = TableChecksums.differences(TableChecksums.of(s), TableChecksums.of(t));
        }
        ok &= differ.isEmpty();
        step.accept(differ.isEmpty() ? "Forward again: waly replay --schema-version 2 equals the source"
                : "Forward again: --schema-version 2 DIFFERS from the source: " + String.join(", ", differ));
        return ok;
    }

    private static List<String> cars(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url)) {
            return cars(c);
        }
    }

    private static List<String> cars(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT name, production_year FROM cars ORDER BY id")) {
            while (rs.next()) out.add(rs.getString(1) + " " + rs.getInt(2));
        }
        return out;
    }
}
