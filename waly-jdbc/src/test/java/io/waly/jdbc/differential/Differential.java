package io.waly.jdbc.differential;

import io.waly.jdbc.replay.PostgresTarget;
import io.waly.log.replay.Replayer;
import io.waly.jdbc.replay.TableChecksums;
import io.waly.jdbc.sql.SqlLexer;
import io.waly.testing.EmbeddedPostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the same SQL through plain pgjdbc and through WAL-y, each on its own fresh database, and records every
 * observable outcome (result sets, update counts, warnings, SQLState and message of errors) so a test can require
 * them to be identical; then replays WAL-y's log into a third database. The three databases' tables are compared by
 * {@link TableChecksums}.
 */
public final class Differential implements AutoCloseable {

    public final String plainUrl;
    public final String walyDbUrl;
    public final String replayUrl;
    public final Path logDir;
    private final Connection plain;
    private final Connection waly;
    public final List<String> mismatches = new ArrayList<>();
    public int statements;

    public Differential(String name, Path logDir) throws SQLException {
        this(name, logDir, "");
    }

    /** @param walyParams extra settings for WAL-y's URL, e.g. {@code &walyDurability=async} */
    public Differential(String name, Path logDir, String walyParams) throws SQLException {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.shared();
        this.plainUrl = pg.newDatabase(name + "_plain");
        this.walyDbUrl = pg.newDatabase(name + "_waly");
        this.replayUrl = pg.newDatabase(name + "_replay");
        this.logDir = logDir;
        this.plain = DriverManager.getConnection(plainUrl);
        this.waly = DriverManager.getConnection(walyDbUrl.replace("jdbc:postgresql:", "jdbc:waly:postgresql:") + "&walyLogDir=" + logDir
                + walyParams);
    }

    /** Splits a script into statements (comments and quoting respected) and runs each through both connections. */
    public void runScript(String name, String script) {
        List<List<SqlLexer.Token>> parts = SqlLexer.statements(SqlLexer.tokenize(script));
        for (List<SqlLexer.Token> part : parts) {
            String sql = script.substring(part.get(0).start(), part.get(part.size() - 1).end());
            run(name, sql);
        }
    }

    public void run(String where, String sql) {
        statements++;
        String a = outcome(plain, sql);
        String b = outcome(waly, sql);
        if (!a.equals(b)) mismatches.add(where + ": " + abbreviate(sql) + "\n   plain pgjdbc: " + a + "\n   WAL-y:        " + b);
    }

    /** Everything the application can observe about one statement, as text. */
    static String outcome(Connection c, String sql) {
        StringBuilder out = new StringBuilder();
        try (Statement s = c.createStatement()) {
            boolean rs = s.execute(sql);
            while (true) {
                if (rs) {
                    try (ResultSet r = s.getResultSet()) {
                        out.append(rows(r));
                    }
                } else {
                    int n = s.getUpdateCount();
                    if (n == -1) break;
                    out.append("count=").append(n).append(';');
                }
                rs = s.getMoreResults();
            }
            for (SQLWarning w = s.getWarnings(); w != null; w = w.getNextWarning()) {
                out.append("warning ").append(w.getSQLState()).append(' ').append(w.getMessage()).append(';');
            }
        } catch (SQLException e) {
            out.append("error ").append(e.getSQLState()).append(' ').append(e.getMessage());
        }
        return out.toString();
    }

    private static String rows(ResultSet r) throws SQLException {
        StringBuilder sb = new StringBuilder("rows[");
        ResultSetMetaData md = r.getMetaData();
        for (int i = 1; i <= md.getColumnCount(); i++) sb.append(md.getColumnLabel(i)).append(':').append(md.getColumnTypeName(i)).append(',');
        sb.append("]");
        while (r.next()) {
            sb.append('(');
            for (int i = 1; i <= md.getColumnCount(); i++) sb.append(r.getString(i)).append('|');
            sb.append(')');
        }
        return sb.append(';').toString();
    }

    /** Closes both connections, replays WAL-y's log into the third database, and returns the three checksum maps. */
    public List<Map<String, String>> finish() throws Exception {
        close();
        Replayer.replay(logDir, new PostgresTarget(replayUrl));
        List<Map<String, String>> out = new ArrayList<>();
        for (String url : List.of(plainUrl, walyDbUrl, replayUrl)) {
            try (Connection c = DriverManager.getConnection(url)) {
                out.add(TableChecksums.of(c));
            }
        }
        return out;
    }

    static String abbreviate(String s) {
        String one = s.replace('\n', ' ');
        return one.length() <= 160 ? one : one.substring(0, 160) + "…";
    }

    @Override
    public void close() throws SQLException {
        plain.close();
        waly.close();   // even when pgjdbc closed it after a fatal error: close() must still release WAL-y's log
    }
}
