package io.waly.jdbc.versions;

import io.waly.command.Command;
import io.waly.model.Model;
import io.waly.model.Versions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Keeps WAL-y's views out of a migration's way. The views of a version newer than the database ({@link VersionViews},
 * made from the {@code up} mappings for a newer application deployed before its migration) read the old columns, so
 * PostgreSQL would refuse the migration's {@code ALTER TABLE cars DROP COLUMN production_year} because of them
 * (2BP01). So before DDL on a versioned table is sent, those views' schemas are dropped in the DDL's transaction: a
 * migration rolled back keeps them, one that commits takes the newer connections to the database's version, where
 * they need none. Not logged, like their creation: they are WAL-y's, and no replay target has them.
 */
public final class MigrationViews {
    private final Versions versions;
    private final Supplier<String> migration;

    private MigrationViews(Versions versions, Supplier<String> migration) {
        this.versions = versions;
        this.migration = migration;
    }

    /**
     * Null when the model declares no versions: then nothing is checked.
     *
     * @param migration the database's migration version as the log's writers last saw it
     */
    public static MigrationViews of(Model model, Supplier<String> migration) {
        return model == null || model.versions().isEmpty() ? null : new MigrationViews(model.versions(), migration);
    }

    /** True when {@code cmd} is DDL on (or an index of) a table the versions declare. */
    public boolean touches(Command cmd) {
        if (!(cmd instanceof Command.Ddl)) return false;
        List<Command.Table> named = new ArrayList<>(cmd.writtenTables());
        if (cmd instanceof Command.Ddl.CreateIndex ci) named.add(ci.table());
        for (Command.Table t : named) if (versions.columns(t.qualified(), versions.all().get(0)) != null) return true;
        return false;
    }

    /**
     * Drops the views of the versions newer than the database's, where there are any (one query when there are none);
     * true when it dropped some. Nothing when the database's version is unknown: WAL-y made no views then.
     */
    public boolean dropNewer(Connection c) throws SQLException {
        String m = migration.get();
        Versions.Version db = m == null ? null : versions.migratedTo(m);
        if (db == null || db.index() == versions.all().size() - 1) return false;
        Map<String, Versions.Version> newer = new LinkedHashMap<>();
        for (Versions.Version v : versions.all()) if (v.index() > db.index()) newer.put(VersionViews.schema(v), v);
        List<String> found = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname IN ('"
                    + String.join("', '", newer.keySet()) + "')")) {
                while (rs.next()) found.add(rs.getString(1));
            }
            for (String schema : found) {
                try {
                    s.execute("DROP SCHEMA " + schema + " CASCADE");
                } catch (SQLException e) {
                    throw new SQLException("WAL-y could not drop " + schema + ", the views of schema version "
                            + newer.get(schema).name() + ", newer than the database's (" + db.name() + "), which read columns "
                            + "this migration may change: " + e.getMessage() + " — drop them as their owner with "
                            + "waly versions retire --model FILE --version " + newer.get(schema).name(), e.getSQLState(), e);
                }
            }
        }
        return !found.isEmpty();
    }
}
