package io.waly.testing;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.waly.embedded.DatabaseNames;
import io.waly.embedded.InMemoryMongoServer;

/**
 * MongoDB for tests: a real server when {@code WALY_TEST_MONGODB_URI} is set (e.g. {@code mongodb://127.0.0.1:27017}),
 * otherwise waly-embedded's in-memory wire-protocol server. Every caller gets its own database name, so the same tests
 * run against either.
 */
public final class MongoFixture implements AutoCloseable {

    public static final String ENV = "WALY_TEST_MONGODB_URI";
    private static MongoFixture shared;

    private final InMemoryMongoServer server;   // null when a real MongoDB is used
    private final String baseUri;

    private MongoFixture(InMemoryMongoServer server, String baseUri) {
        this.server = server;
        this.baseUri = baseUri;
    }

    public static MongoFixture start() {
        String real = System.getenv(ENV);
        if (real != null && !real.isBlank()) return new MongoFixture(null, real.replaceAll("/+$", ""));
        InMemoryMongoServer server = InMemoryMongoServer.start();
        return new MongoFixture(server, server.uri());
    }

    /** One per JVM for tests; stopped when the JVM exits. */
    public static synchronized MongoFixture shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "waly-test-mongo-stop"));
        }
        return shared;
    }

    public boolean isReal() {
        return server == null;
    }

    /** A connection string naming a fresh database: {@code mongodb://host:port/name}. */
    public String newDatabaseUri(String prefix) {
        return baseUri + "/" + DatabaseNames.unique(prefix);
    }

    public MongoClient client() {
        return MongoClients.create(baseUri);
    }

    @Override
    public void close() {
        if (server != null) server.close();
    }
}
