package io.waly.cli;

import io.waly.cli.demo.ShopWorkload;
import io.waly.jdbc.replay.TableChecksums;
import io.waly.testing.EmbeddedPostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;

/** Logs written by the shop workload through the driver, into databases of the shared test server. */
public final class ShopLogs {
    private ShopLogs() {}

    /** A source database and the log of everything written to it. */
    public record ShopLog(String sourceUrl, Path log, ShopWorkload.Result result) {
        public Map<String, String> sourceChecksums() throws Exception {
            return checksums(sourceUrl);
        }
    }

    private static ShopLog shared;

    /** One shop log for every test that only reads it (replay, inspect, stats); written once per JVM. */
    public static synchronized ShopLog shared() throws Exception {
        if (shared == null) shared = write("shop_shared", 3, 40, 2, 25, 7, "");
        return shared;
    }

    public static ShopLog write(String prefix, int transferThreads, int transfers, int orderThreads, int orders, long seed,
                                String extraUrl) throws Exception {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.shared();
        String source = pg.newDatabase(prefix);
        Path log = tempDir("waly-cli-" + prefix);
        String waly = walyUrl(source, log) + extraUrl;
        try (Connection c = DriverManager.getConnection(waly)) {
            ShopWorkload.createSchema(c, seed);
        }
        ShopWorkload.Result r = ShopWorkload.run(() -> DriverManager.getConnection(waly), transferThreads, transfers, orderThreads, orders, seed);
        return new ShopLog(source, log, r);
    }

    private static final java.util.List<Path> TEMP = new java.util.concurrent.CopyOnWriteArrayList<>();
    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Path dir : TEMP) {
                try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
                    s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (java.io.IOException e) {
                    // a temporary directory: best effort
                }
            }
        }, "waly-cli-test-cleanup"));
    }

    /** A temporary directory removed when the test JVM exits. */
    public static Path tempDir(String prefix) throws java.io.IOException {
        Path dir = Files.createTempDirectory(prefix);
        TEMP.add(dir);
        return dir;
    }

    public static String walyUrl(String pgUrl, Path log) {
        return pgUrl.replace("jdbc:postgresql:", "jdbc:waly:postgresql:") + "&walyLogDir=" + log + "&walyDurability=none"
                + "&walyLogIdleMillis=0";   // closed with the last connection: verify finds the log cleanly closed
    }

    public static Map<String, String> checksums(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url)) {
            return TableChecksums.of(c);
        }
    }

    public static String newDatabase(String prefix) {
        return EmbeddedPostgresServer.shared().newDatabase(prefix);
    }
}
