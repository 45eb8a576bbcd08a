package io.waly.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

/** A small application run in a fresh JVM by {@link SilenceTest}: writes and reads through WAL-y, prints nothing. */
public final class SilentApplication {
    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection(args[0]); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE quiet (id serial PRIMARY KEY, v text, at timestamptz DEFAULT now())");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO quiet (v) VALUES (?)")) {
                for (int i = 0; i < 50; i++) {
                    ps.setString(1, "v" + i);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.setAutoCommit(false);
            s.executeUpdate("UPDATE quiet SET v = upper(v) WHERE id % 2 = 0");
            c.commit();
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM quiet")) {
                rs.next();
                if (rs.getInt(1) != 50) throw new IllegalStateException("expected 50 rows");
            }
            try {
                s.execute("SELECT * FROM does_not_exist");
            } catch (java.sql.SQLException expected) {
                c.rollback();
            }
        }
    }
}
