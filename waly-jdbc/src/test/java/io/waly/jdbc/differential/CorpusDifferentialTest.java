package io.waly.jdbc.differential;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import io.waly.jdbc.replay.TableChecksums;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQL corpus under {@code src/test/resources/corpus} (DDL, DML, types at their edges, transactions as SQL text,
 * text from every plane, malformed and failing statements) through plain pgjdbc and through WAL-y: every outcome the
 * application can observe must be identical, the two databases must end equal (but for the tables holding volatile
 * values, {@code vol_*}), and the replay of WAL-y's log must reproduce WAL-y's database exactly.
 */
class CorpusDifferentialTest {

    static final List<String> FILES = List.of("01-ddl.sql", "02-dml.sql", "03-types.sql", "04-transactions.sql",
            "05-text.sql", "06-errors.sql", "08-corners.sql", "09-more.sql", "07-last.sql");

    @TempDir
    Path logDir;

    /**
     * In fsync durability autocommitted writes run in a transaction of WAL-y's making with a txid; in async they run
     * as sent: both must be indistinguishable from pgjdbc and replay exactly.
     */
    @ParameterizedTest
    @ValueSource(strings = {"fsync", "async"})
    void corpusBehavesExactlyAsPlainPgjdbcAndReplaysExactly(String durability) throws Exception {
        Map<String, String> plain;
        Map<String, String> waly;
        Map<String, String> replay;
        Map<String, Long> walySequences;
        Map<String, Long> replaySequences;
        try (Differential d = new Differential("corpus_" + durability, logDir, "&walyDurability=" + durability)) {
            for (String f : FILES) d.runScript(f, read("/corpus/" + f));
            assertThat(d.statements).isGreaterThan(250);
            assertThat(d.mismatches).as("statements whose outcome differs").isEmpty();
            List<Map<String, String>> sums = d.finish();
            plain = sums.get(0);
            waly = sums.get(1);
            replay = sums.get(2);
            try (Connection a = DriverManager.getConnection(d.walyDbUrl); Connection b = DriverManager.getConnection(d.replayUrl)) {
                walySequences = TableChecksums.sequences(a);
                replaySequences = TableChecksums.sequences(b);
            }
        }
        // Every sequence ends where the source's did — also where a table holds values past the source's own sequence
        // (an explicit id, OVERRIDING USER VALUE, a key moved by UPDATE): a restore is the source, not a repair of it
        assertThat(replaySequences).as("sequences").isEqualTo(walySequences);
        assertThat(waly).hasSizeGreaterThan(15);
        assertThat(replay).as("replay of the log").isEqualTo(waly);
        assertThat(withoutVolatile(waly)).as("WAL-y vs plain").isEqualTo(withoutVolatile(plain));
    }

    static Map<String, String> withoutVolatile(Map<String, String> m) {
        Map<String, String> out = new TreeMap<>(m);
        out.keySet().removeIf(k -> k.contains("vol_"));
        return out;
    }

    static String read(String resource) throws IOException {
        try (InputStream in = CorpusDifferentialTest.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
