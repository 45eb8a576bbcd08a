package io.waly.embedded;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * mongo-java-server's MongoDB wire-protocol server with its in-memory backend, on 127.0.0.1 and a free port: the
 * MongoDB {@code waly demo} replays into, and the one tests use unless they are given a real server. What it holds is
 * gone when it is closed.
 */
public final class InMemoryMongoServer implements AutoCloseable {

    private final MongoServer server;
    private final String uri;

    private InMemoryMongoServer(MongoServer server) {
        this.server = server;
        this.uri = "mongodb://127.0.0.1:" + server.getLocalAddress().getPort();
    }

    /** Starts a private server; the caller closes it. */
    public static InMemoryMongoServer start() {
        MongoServer server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", 0);
        return new InMemoryMongoServer(server);
    }

    /** The server's connection string, without a database: {@code mongodb://127.0.0.1:port}. */
    public String uri() {
        return uri;
    }

    /** A connection string naming a fresh database: {@code mongodb://127.0.0.1:port/name}. */
    public String newDatabaseUri(String prefix) {
        return uri + "/" + DatabaseNames.unique(prefix);
    }

    @Override
    public void close() {
        server.shutdownNow();
    }
}
