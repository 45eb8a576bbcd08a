package app;

import com.mchange.v2.c3p0.ComboPooledDataSource;
import java.sql.Connection;
import org.apache.commons.dbcp2.BasicDataSource;

/** An application on Apache DBCP2, c3p0 and Tomcat JDBC, each on pgjdbc's driver. */
public final class PoolsApp {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        BasicDataSource dbcp = new BasicDataSource();
        dbcp.setDriverClassName("org.postgresql.Driver");
        dbcp.setUrl(url);
        try (Connection c = dbcp.getConnection()) {
            Shop.schema(c);
            Shop.work(c, "dbcp2");
        }
        try (Connection c = dbcp.getConnection()) {
            Shop.work(c, "dbcp2-again");
        }
        dbcp.close();

        ComboPooledDataSource c3p0 = new ComboPooledDataSource();
        c3p0.setDriverClass("org.postgresql.Driver");
        c3p0.setJdbcUrl(url);
        c3p0.setInitialPoolSize(1);
        c3p0.setMinPoolSize(1);
        c3p0.setMaxPoolSize(2);
        try (Connection c = c3p0.getConnection()) {
            Shop.work(c, "c3p0");
        }
        c3p0.close();

        org.apache.tomcat.jdbc.pool.DataSource tomcat = new org.apache.tomcat.jdbc.pool.DataSource();
        tomcat.setDriverClassName("org.postgresql.Driver");
        tomcat.setUrl(url);
        tomcat.setInitialSize(1);
        try (Connection c = tomcat.getConnection()) {
            Shop.work(c, "tomcat");
        }
        tomcat.close();
        System.out.println("done");
    }
}
