package io.waly.compat.regress;

import io.waly.testing.EmbeddedPostgresServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * One private embedded PostgreSQL of the runner, and what the runner does to it between files: a fresh database of the
 * same name on every server (scripts print {@code current_database()}), and nothing left of the previous file in
 * the cluster (databases, roles, prepared transactions, subscriptions, settings), so that one file's failure does not
 * spread.
 */
final class RegressServer implements AutoCloseable {

    static final String DATABASE = "regression";

    /**
     * The settings pg_regress gives its database; the rest of its environment (PGTZ, PGDATESTYLE) pgjdbc overrides
     * with its own startup parameters.
     */
    private static final List<String> DATABASE_SETTINGS = List.of("lc_messages TO 'C'", "lc_monetary TO 'C'",
            "lc_numeric TO 'C'", "lc_time TO 'C'", "bytea_output TO 'hex'", "timezone_abbreviations TO 'Default'");

    final String name;
    private final EmbeddedPostgresServer pg;
    private final String statementTimeout;

    RegressServer(String name, int statementTimeoutSeconds) {
        this.name = name;
        this.pg = EmbeddedPostgresServer.start(false);
        this.statementTimeout = URLEncoder.encode("-c statement_timeout=" + statementTimeoutSeconds + "s", StandardCharsets.UTF_8);
    }

    /** A pgjdbc URL (or WAL-y's, with {@code walyLogDir}) for a database and user, with the server's statement timeout. */
    String url(String database, String user, String walyLogDir) {
        String url = "jdbc:postgresql://127.0.0.1:" + pg.port() + "/" + database + "?user=" + user + "&options=" + statementTimeout;
        return walyLogDir == null ? url : url.replace("jdbc:postgresql:", "jdbc:waly:postgresql:") + "&walyLogDir=" + walyLogDir;
    }

    Connection superuser(String database) throws SQLException {
        return DriverManager.getConnection(url(database, "postgres", null));
    }

    /** Ends every client session but the caller's: how a file or a replay over its time limit is stopped. */
    void terminateSessions() {
        try (Connection c = superuser("postgres"); Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()");
        } catch (SQLException e) {
            System.err.println(name + ": cannot terminate sessions: " + e.getMessage());
        }
    }

    /** Drops what the previous file left in the cluster and creates the file's fresh database. */
    void reset() throws SQLException {
        terminateSessions();
        try (Connection c = superuser("postgres"); Statement s = c.createStatement()) {
            for (String db : strings(s, "SELECT quote_ident(datname) FROM pg_database WHERE datname NOT IN ('postgres', 'template0', 'template1')")) {
                releaseDatabase(db);
                quietly(s, "ALTER DATABASE " + db + " IS_TEMPLATE false");
                quietly(s, "DROP DATABASE " + db + " WITH (FORCE)");
            }
            for (String role : strings(s, "SELECT quote_ident(rolname) FROM pg_roles WHERE rolname <> 'postgres' AND rolname NOT LIKE 'pg\\_%'")) {
                quietly(s, "DROP OWNED BY " + role + " CASCADE");
                quietly(s, "DROP ROLE " + role);
            }
            for (String space : strings(s, "SELECT quote_ident(spcname) FROM pg_tablespace WHERE spcname NOT IN ('pg_default', 'pg_global')")) {
                quietly(s, "DROP TABLESPACE " + space);
            }
            quietly(s, "ALTER ROLE postgres RESET ALL");
            quietly(s, "ALTER SYSTEM RESET ALL");
            quietly(s, "SELECT pg_reload_conf()");
            s.execute("CREATE DATABASE " + DATABASE + " TEMPLATE template0");
            for (String setting : DATABASE_SETTINGS) s.execute("ALTER DATABASE " + DATABASE + " SET " + setting);
        }
    }

    /** Where the server's loadable modules are, for {@code \getenv libdir PG_LIBDIR}. */
    String libdir() throws SQLException {
        try (Connection c = superuser("postgres"); Statement s = c.createStatement()) {
            return strings(s, "SELECT setting FROM pg_config WHERE name = 'PKGLIBDIR'").get(0);
        }
    }

    /** What keeps a database from being dropped, even WITH (FORCE): its prepared transactions and subscriptions. */
    private void releaseDatabase(String db) {
        try (Connection c = superuser(db); Statement s = c.createStatement()) {
            for (String gid : strings(s, "SELECT quote_literal(gid) FROM pg_prepared_xacts WHERE database = current_database()")) {
                quietly(s, "ROLLBACK PREPARED " + gid);
            }
            for (String sub : strings(s, "SELECT quote_ident(subname) FROM pg_subscription WHERE subdbid = "
                    + "(SELECT oid FROM pg_database WHERE datname = current_database())")) {
                quietly(s, "ALTER SUBSCRIPTION " + sub + " DISABLE");
                quietly(s, "ALTER SUBSCRIPTION " + sub + " SET (slot_name = NONE)");   // no slot to drop on a publisher
                quietly(s, "DROP SUBSCRIPTION " + sub);
            }
        } catch (SQLException e) {
            // a database that cannot be connected to holds nothing the runner could release
        }
    }

    private static List<String> strings(Statement s, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    /** Best effort: what cannot be dropped now is tried again before the next file. */
    private void quietly(Statement s, String sql) {
        try {
            s.execute(sql);
        } catch (SQLException e) {
            System.err.println(name + ": " + sql + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    @Override
    public void close() {
        pg.close();
    }
}
