package app;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/** The workload the test applications share: a little schema, writes in autocommit and in transactions, a rollback. */
public final class Shop {
    private Shop() {}

    public static void schema(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS item (id serial PRIMARY KEY, name text NOT NULL, price numeric(10,2), path text)");
        }
    }

    /** Writes tagged with {@code path}, so the test can count that each reached the log exactly once. */
    public static void work(Connection c, String path) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO item (name, price, path) VALUES ('first', 1.50, '" + path + "')");
        }
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO item (name, price, path) VALUES (?, ?, '" + path + "')")) {
            ps.setString(1, "second");
            ps.setBigDecimal(2, new java.math.BigDecimal("2.25"));
            ps.executeUpdate();
            c.commit();
            ps.setString(1, "rolled back");
            ps.setBigDecimal(2, java.math.BigDecimal.TEN);
            ps.executeUpdate();
            c.rollback();
        } finally {
            c.setAutoCommit(auto);
        }
        try (Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE item SET price = price * 2 WHERE path = '" + path + "'");
        }
    }
}
