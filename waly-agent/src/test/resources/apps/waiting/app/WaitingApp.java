package app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A running application for dynamic attach: it loads pgjdbc and reads (so the driver class is loaded before the
 * agent arrives), says "ready", waits for the go file, then writes through new connections.
 */
public final class WaitingApp {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        Path go = Path.of(args[1]);
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
        }
        System.out.println("ready");
        System.out.flush();
        long end = System.currentTimeMillis() + 60_000;
        while (!Files.exists(go)) {
            if (System.currentTimeMillis() > end) throw new IllegalStateException("no go file");
            Thread.sleep(20);
        }
        try (Connection c = DriverManager.getConnection(url)) {
            Shop.schema(c);
            Shop.work(c, "attached-drivermanager");
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url);
        try (Connection c = ds.getConnection()) {
            Shop.work(c, "attached-datasource");
        }
        System.out.println("done");
    }
}
