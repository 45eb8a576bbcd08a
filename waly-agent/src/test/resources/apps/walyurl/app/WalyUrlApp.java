package app;

import io.waly.jdbc.WalyDataSource;
import java.sql.Connection;
import java.sql.DriverManager;

/** An application that already uses WAL-y (jdbc:waly: and WalyDataSource), run with the agent as well. */
public final class WalyUrlApp {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        String logDir = args[1];
        String walyUrl = url.replace("jdbc:postgresql:", "jdbc:waly:postgresql:") + "&walyLogDir=" + logDir;
        try (Connection c = DriverManager.getConnection(walyUrl)) {
            if (!c.isWrapperFor(io.waly.jdbc.proxy.WalyConnection.class)) throw new IllegalStateException("not WAL-y's");
            Shop.schema(c);
            Shop.work(c, "waly-url");
        }
        WalyDataSource ds = new WalyDataSource();
        ds.setUrl(url);
        ds.setLogDir(logDir);
        try (Connection c = ds.getConnection()) {
            Shop.work(c, "waly-datasource");
        }
        System.out.println("done");
    }
}
