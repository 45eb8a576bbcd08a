package app;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** An unmodified application that sends what a team's guard rails are for; prints what each statement got. */
public final class GuardedApp {
    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection(args[0]); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE accounts (id int PRIMARY KEY, balance int)");
            s.execute("INSERT INTO accounts SELECT g, 0 FROM generate_series(1, 10) g");
            for (String sql : new String[] {"UPDATE accounts SET balance = balance + 1", "DELETE FROM accounts WHERE 1 = 1",
                    "TRUNCATE accounts", "DROP TABLE accounts"}) {
                try {
                    s.execute(sql);
                    System.out.println(sql.substring(0, sql.indexOf(' ')) + " ok");
                } catch (SQLException e) {
                    System.out.println(sql.substring(0, sql.indexOf(' ')) + " " + e.getSQLState());
                }
            }
        }
    }
}
