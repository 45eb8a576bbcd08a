package io.waly.testing;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * MongoDB for tests: a real server when {@code WALY_TEST_MONGODB_URI} is set (e.g. {@code mongodb://127.0.0.1:27017}),
 * otherwise mongo-java-server's in-memory wire-protocol server on 127.0.0.1. Every caller gets its own database name,
 * so the same tests run against either.
 */
public final class MongoFixture implements AutoCloseable {

    public static final String ENV = "WALY_TEST_MONGODB_URI";
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static MongoFixture shared;

    private final MongoServer server;   // null when a real MongoDB is used
    private final String baseUri;

    private MongoFixture(MongoServer server, String baseUri) {
        this.server = server;
        this.baseUri = baseUri;
    }

    public static MongoFixture start() {
        String real = System.getenv(ENV);
        if (real != null && !real.isBlank()) return new MongoFixture(null, real.replaceAll("/+$", ""));
        MongoServer server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", 0);
        InetSocketAddress addr = server.getLocalAddress();
        return new MongoFixture(server, "mongodb://127.0.0.1:" + addr.getPort());
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
        String name = prefix.replaceAll("[^A-Za-z0-9_]", "_") + "_" + DATABASES.incrementAndGet() + "_" + ProcessHandle.current().pid();
        return baseUri + "/" + name;
    }

    public MongoClient client() {
        return MongoClients.create(baseUri);
    }

    @Override
    public synchronized void close() {
        if (server != null) server.shutdownNow();
    }
}
