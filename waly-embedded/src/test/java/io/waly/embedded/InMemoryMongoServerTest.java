package io.waly.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.ConnectionString;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import org.bson.Document;
import org.junit.jupiter.api.Test;

class InMemoryMongoServerTest {

    @Test
    void servesFreshDatabasesOnLoopbackUntilClosed() {
        int port;
        try (InMemoryMongoServer mongo = InMemoryMongoServer.start()) {
            assertThat(mongo.uri()).matches("mongodb://127\\.0\\.0\\.1:\\d+");
            port = new ConnectionString(mongo.uri()).getHosts().stream()
                    .map(h -> Integer.parseInt(h.substring(h.lastIndexOf(':') + 1))).findFirst().orElseThrow();
            String a = mongo.newDatabaseUri("shop");
            String b = mongo.newDatabaseUri("shop");
            assertThat(a).isNotEqualTo(b).startsWith(mongo.uri() + "/shop_");
            try (MongoClient client = MongoClients.create(a)) {
                String db = new ConnectionString(a).getDatabase();
                client.getDatabase(db).getCollection("orders").insertOne(new Document("_id", 1));
                assertThat(client.getDatabase(db).getCollection("orders").countDocuments()).isEqualTo(1);
                assertThat(client.getDatabase(new ConnectionString(b).getDatabase()).listCollectionNames()).isEmpty();
            }
        }
        assertThat(PostgresServerTest.listening(port)).as("stopped by close()").isFalse();
    }
}
