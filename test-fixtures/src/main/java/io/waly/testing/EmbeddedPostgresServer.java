package io.waly.testing;

import io.waly.embedded.PostgresServer;

/**
 * The embedded PostgreSQL of waly-embedded as tests use it: one server per test JVM ({@link #shared()}), or private
 * ones for a test that stops or measures its server.
 */
public final class EmbeddedPostgresServer extends PostgresServer {

    private static EmbeddedPostgresServer shared;

    private EmbeddedPostgresServer(boolean durable, boolean restartable) {
        super(durable ? Durability.DURABLE : Durability.SCRATCH, restartable);
    }

    /**
     * Starts a private server.
     *
     * @param durable true for production settings (fsync and synchronous_commit on), as benchmarks need; false for
     *                tests, where a crash of the machine loses nothing of value
     */
    public static EmbeddedPostgresServer start(boolean durable) {
        return new EmbeddedPostgresServer(durable, false);
    }

    /** A private server, test settings, that {@link #restart()} can stop and start under running connections. */
    public static EmbeddedPostgresServer startRestartable() {
        return new EmbeddedPostgresServer(false, true);
    }

    /** The server shared by all tests of this JVM; stopped when the JVM exits. */
    public static synchronized EmbeddedPostgresServer shared() {
        if (shared == null) {
            shared = start(false);
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "waly-test-postgres-stop"));
        }
        return shared;
    }
}
