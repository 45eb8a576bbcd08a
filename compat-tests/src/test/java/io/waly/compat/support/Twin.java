package io.waly.compat.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The same program run twice — through plain pgjdbc on one database and through WAL-y on another — recording what the
 * application observes (results, counts, SQLStates and messages of errors), so a test can require both to be
 * identical; WAL-y's database is the {@link RoundTrip}'s source, so the test then replays and compares as usual.
 */
public final class Twin {

    /** A program under test; it records what it observes into {@code out}. */
    @FunctionalInterface
    public interface Program {
        void run(Connection c, List<String> out) throws Exception;
    }

    public final RoundTrip waly;
    public final String plainUrl;

    public Twin(String name, Path logDir) {
        this.waly = new RoundTrip(name, logDir);
        this.plainUrl = waly.server.newDatabase(name + "_plain");
    }

    /** A program that also opens a second connection of the same kind (plain or WAL-y) to the same database. */
    @FunctionalInterface
    public interface Program2 {
        void run(Connection c, Opener other, List<String> out) throws Exception;
    }

    @FunctionalInterface
    public interface Opener {
        Connection open() throws SQLException;
    }

    public List<String> run(Program p, String... params) throws Exception {
        return run((Program2) (c, other, out) -> p.run(c, out), params);
    }

    /** Runs the program on both with the same pgjdbc parameters; asserts identical observations; returns them. */
    public List<String> run(Program2 p, String... params) throws Exception {
        List<String> plain = new ArrayList<>();
        List<String> walyOut = new ArrayList<>();
        StringBuilder q = new StringBuilder();
        for (String s : params) q.append('&').append(s);
        try (Connection c = DriverManager.getConnection(plainUrl + q)) {
            p.run(c, () -> DriverManager.getConnection(plainUrl + q), plain);
        }
        try (Connection c = waly.walyConnection(params)) {
            p.run(c, () -> waly.walyConnection(params), walyOut);
        }
        assertThat(walyOut).as("what the application observes through WAL-y vs plain pgjdbc").isEqualTo(plain);
        return walyOut;
    }

    /** Runs one statement and records its outcome (rows, count or error) as text; never throws an SQLException. */
    public static String outcome(Statement s, String sql) {
        try {
            boolean rs = s.execute(sql);
            return rs ? rows(s.getResultSet()) : "count=" + s.getUpdateCount();
        } catch (SQLException e) {
            return error(e);
        }
    }

    public static String error(SQLException e) {
        return "error " + e.getSQLState() + " " + e.getMessage();
    }

    public static String rows(ResultSet r) throws SQLException {
        StringBuilder sb = new StringBuilder("rows[");
        ResultSetMetaData md = r.getMetaData();
        for (int i = 1; i <= md.getColumnCount(); i++) sb.append(md.getColumnLabel(i)).append(':').append(md.getColumnTypeName(i)).append(',');
        sb.append(']');
        while (r.next()) {
            sb.append('(');
            for (int i = 1; i <= md.getColumnCount(); i++) sb.append(r.getString(i)).append('|');
            sb.append(')');
        }
        r.close();
        return sb.toString();
    }
}
