package plugin;

import java.sql.Connection;
import java.sql.DriverManager;
import app.Shop;
import java.util.function.Consumer;
import org.postgresql.ds.PGSimpleDataSource;

/** A plugin that brings its own pgjdbc: loaded by the host in a class loader of its own. */
public final class Plugin implements Consumer<String> {
    @Override
    public void accept(String url) {
        try {
            Class.forName("org.postgresql.Driver");   // registers the plugin's pgjdbc with DriverManager
            try (Connection c = DriverManager.getConnection(url)) {
                Shop.schema(c);
                Shop.work(c, "plugin-drivermanager");
            }
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(url);
            try (Connection c = ds.getConnection()) {
                Shop.work(c, "plugin-datasource");
            }
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
