package app;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** An application on HikariCP: one pool on the driver (jdbcUrl), one on PGSimpleDataSource; several threads. */
public final class HikariApp {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        HikariConfig byUrl = new HikariConfig();
        byUrl.setJdbcUrl(url);
        byUrl.setMaximumPoolSize(3);
        HikariConfig byDataSource = new HikariConfig();
        byDataSource.setDataSourceClassName("org.postgresql.ds.PGSimpleDataSource");
        byDataSource.addDataSourceProperty("url", url);
        byDataSource.setMaximumPoolSize(2);
        try (HikariDataSource a = new HikariDataSource(byUrl); HikariDataSource b = new HikariDataSource(byDataSource)) {
            try (Connection c = a.getConnection()) {
                Shop.schema(c);
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                HikariDataSource ds = i % 2 == 0 ? a : b;
                String path = (i % 2 == 0 ? "hikari-url-" : "hikari-ds-") + i;
                done.add(pool.submit(() -> {
                    try (Connection c = ds.getConnection()) {
                        Shop.work(c, path);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
            pool.shutdown();
        }
        System.out.println("done");
    }
}
