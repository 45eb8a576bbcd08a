package app;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** Writes once; says "written", or "refused" and the SQLState of the error its connection or write met. */
public final class RefusedApp {
    public static void main(String[] args) {
        try (Connection c = DriverManager.getConnection(args[0]); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE refused (id int)");
            System.out.println("written");
        } catch (SQLException e) {
            System.out.println("refused " + e.getSQLState());
        }
    }
}
