package app;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Properties;
import javax.sql.PooledConnection;
import javax.sql.XAConnection;
import org.postgresql.ds.PGConnectionPoolDataSource;
import org.postgresql.ds.PGPoolingDataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.postgresql.xa.PGXADataSource;

/** An ordinary application: pgjdbc on the class path, every way pgjdbc offers to get a connection. */
public final class DriverManagerApp {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        try (Connection c = DriverManager.getConnection(url)) {
            Shop.schema(c);
            Shop.work(c, "drivermanager");
        }
        try (Connection c = new org.postgresql.Driver().connect(url, new Properties())) {
            Shop.work(c, "driver");
        }
        PGSimpleDataSource simple = new PGSimpleDataSource();
        simple.setUrl(url);
        try (Connection c = simple.getConnection()) {
            Shop.work(c, "simple");
        }
        PGConnectionPoolDataSource cpds = new PGConnectionPoolDataSource();
        cpds.setUrl(url);
        PooledConnection pooled = cpds.getPooledConnection();
        try (Connection c = pooled.getConnection()) {
            Shop.work(c, "pooled");
        }
        pooled.close();
        @SuppressWarnings("deprecation")
        PGPoolingDataSource pooling = new PGPoolingDataSource();
        pooling.setDataSourceName("waly-agent-test");
        pooling.setUrl(url);
        pooling.setMaxConnections(2);
        try (Connection c = pooling.getConnection()) {
            Shop.work(c, "pooling");
        }
        try (Connection c = pooling.getConnection()) {   // the same physical connection again
            Shop.work(c, "pooling-again");
        }
        pooling.close();
        PGXADataSource xads = new PGXADataSource();
        xads.setUrl(url);
        XAConnection xa = xads.getXAConnection();
        try (Connection c = xa.getConnection()) {
            Shop.work(c, "xa");
        }
        xa.close();
        System.out.println("done");
    }
}
