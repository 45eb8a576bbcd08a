package app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Inserts a row every 100 ms until the file {@code args[1]} exists, saying "ok N" or "refused SQLSTATE N", and reads
 * the table's count after each ("read N"), on one connection, as an application that carries on when a write fails.
 */
public final class AwayApp {
    public static void main(String[] args) throws Exception {
        Path stop = Path.of(args[1]);
        try (Connection c = DriverManager.getConnection(args[0]); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE away (id int PRIMARY KEY)");
            for (int i = 1; !Files.exists(stop); i++) {
                try {
                    s.execute("INSERT INTO away VALUES (" + i + ")");
                    System.out.println("ok " + i);
                } catch (SQLException e) {
                    System.out.println("refused " + e.getSQLState() + " " + i);
                }
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM away")) {
                    rs.next();
                    System.out.println("read " + rs.getInt(1));
                }
                System.out.flush();
                Thread.sleep(100);
            }
        }
        System.out.println("done");
    }
}
