package io.waly.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL 16 server from the binaries inside the Maven artifact, listening on 127.0.0.1 only. One per JVM
 * for tests ({@link #shared()}), or private ones (the demo, {@code waly check}, benchmarks). Each user takes a fresh
 * database from {@link #newDatabase}, so tests never see each other's tables.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    private static EmbeddedPostgresServer shared;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private EmbeddedPostgres pg;
    private final boolean durable;
    private final java.nio.file.Path dataDir;   // non-null for a server that can be restarted

    private EmbeddedPostgresServer(EmbeddedPostgres pg, boolean durable, java.nio.file.Path dataDir) {
        this.pg = pg;
        this.durable = durable;
        this.dataDir = dataDir;
    }

    /**
     * Starts a private server.
     *
     * @param durable true for production settings (fsync and synchronous_commit on), as benchmarks need; false for
     *                tests, where a crash of the machine loses nothing of value
     */
    public static EmbeddedPostgresServer start(boolean durable) {
        try {
            return new EmbeddedPostgresServer(builder(durable).start(), durable, null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
        }
    }

    /**
     * Starts a private server that {@link #restart()} can stop and start again on the same data directory and port,
     * as a database that restarts under a running application. The caller closes it.
     */
    public static EmbeddedPostgresServer startRestartable() {
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("waly-pg-restartable");
            return new EmbeddedPostgresServer(builder(false).setDataDirectory(dir).setCleanDataDirectory(false).start(), false, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
        }
    }

    /** Stops the server (every connection to it breaks) and starts it again, same data, same port. */
    public synchronized void restart() {
        if (dataDir == null) throw new IllegalStateException("this server was not started restartable");
        int port = pg.getPort();
        try {
            pg.close();
            pg = builder(durable).setDataDirectory(dataDir).setCleanDataDirectory(false).setPort(port).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restart embedded PostgreSQL", e);
        }
    }

    private static EmbeddedPostgres.Builder builder(boolean durable) {
        return EmbeddedPostgres.builder()
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("max_prepared_transactions", "10")
                    .setServerConfig("fsync", durable ? "on" : "off")
                    .setServerConfig("synchronous_commit", durable ? "on" : "off")
                    .setServerConfig("full_page_writes", durable ? "on" : "off")
                    .setServerConfig("log_min_messages", "fatal")
                    .setServerConfig("timezone", "UTC")
                    .setOutputRedirector(ProcessBuilder.Redirect.DISCARD)
                    .setErrorRedirector(ProcessBuilder.Redirect.DISCARD);
    }

    /** The server shared by all tests of this JVM; stopped when the JVM exits. */
    public static synchronized EmbeddedPostgresServer shared() {
        if (shared == null) {
            shared = start(false);
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "waly-test-postgres-stop"));
        }
        return shared;
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
        String name = (prefix.replaceAll("[^a-z0-9_]", "_") + "_" + DATABASES.incrementAndGet() + "_" + ProcessHandle.current().pid())
                .toLowerCase();
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

    @Override
    public synchronized void close() {
        try {
            pg.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
