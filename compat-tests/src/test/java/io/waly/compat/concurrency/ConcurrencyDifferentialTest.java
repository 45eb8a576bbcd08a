package io.waly.compat.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.ConnectionString;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import io.waly.compat.support.RoundTrip;
import io.waly.jdbc.replay.TableChecksums;
import io.waly.log.replay.Replayer;
import io.waly.mongo.MongoTarget;
import io.waly.mongo.translate.CommandTranslator;
import io.waly.mongo.translate.Json;
import io.waly.testing.MongoFixture;
import io.waly.testing.RowsAndDocuments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay is exact under concurrency (issue "A restore you can trust", design.md invariant 8): a plain JDBC application
 * on 8 threads whose transactions conflict and read each other's rows ({@link ConcurrentBank}) writes through WAL-y;
 * its log replayed into an empty PostgreSQL equals the source table by table, sequences included, and replayed into
 * MongoDB at default settings every row equals its document. The soak profile runs 20,000 transactions, 10 times.
 */
class ConcurrencyDifferentialTest {

    private static final boolean SOAK = Boolean.getBoolean("waly.compat.soak");

    @TempDir
    Path tmp;

    @Test
    void eightThreadsThatReadEachOthersRowsReplayExactly() throws Exception {
        int runs = SOAK ? 10 : 1;
        int perThread = SOAK ? 2_500 : 250;
        for (int run = 0; run < runs; run++) {
            Path logDir = Files.createDirectories(tmp.resolve("log" + run));
            RoundTrip rt = new RoundTrip("conc" + run, logDir);
            try {
                try (Connection c = rt.walyConnection()) {
                    ConcurrentBank.createSchema(c);
                }
                ConcurrentBank bank = new ConcurrentBank(rt.walyUrl(), 8, perThread, 20261206L + run);
                bank.run();
                assertThat(bank.committed.get()).as("transactions committed (%d lost to deadlocks and conflicts)", bank.failed.get())
                        .isGreaterThan(8L * perThread / 2);

                RoundTrip.assertLogVerifies(logDir);
                rt.replay();
                rt.assertTargetEqualsSource();
                try (Connection s = rt.sourceConnection(); Connection t = rt.targetConnection()) {
                    assertThat(TableChecksums.sequences(t)).as("sequences, run %d", run).isEqualTo(TableChecksums.sequences(s));
                }
                assertMongoEqualsSource(rt, logDir, run);
            } finally {
                rt.dropDatabases();
            }
        }
    }

    private static void assertMongoEqualsSource(RoundTrip rt, Path logDir, int run) throws Exception {
        String uri = MongoFixture.shared().newDatabaseUri("conc" + run);
        Replayer.replay(logDir, MongoTarget.builder().target(uri).build());
        List<String> mismatches = new ArrayList<>();
        try (Connection pg = rt.sourceConnection(); MongoClient client = MongoFixture.shared().client()) {
            MongoDatabase db = client.getDatabase(new ConnectionString(uri).getDatabase());
            for (String table : List.of("account", "transfer", "archive", "counter", "audit", "tag")) {
                mismatches.addAll(RowsAndDocuments.differences(pg, db, table, CommandTranslator.MARKER, Json::parse));
            }
        }
        assertThat(mismatches).as("rows that differ from their MongoDB documents, run %d", run).isEmpty();
    }
}
