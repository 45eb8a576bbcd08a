package io.waly.compat.versions;

import io.waly.log.read.DirectoryLog;
import static org.assertj.core.api.Assertions.assertThat;

import io.waly.command.Value;
import io.waly.jdbc.replay.VersionRoundTrip;
import io.waly.model.Model;
import io.waly.model.Versions;
import io.waly.testing.EmbeddedPostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The round-trip proof of a model's mappings: on the rows the log holds ({@code waly versions check}'s library call),
 * and on generated rows (a jqwik property): {@code down(up(row)) = row} for the seed's cars.
 */
class VersionRoundTripTest {

    static final Path CARS_MODEL = Path.of("src/test/resources/versions/cars.yaml");

    @TempDir
    Path logDir;

    @Test
    void theLogsRowsComeBackAndALossyDownIsCountedNotChecked() throws Exception {
        SchemaVersionReplayTest.history("versions_roundtrip", logDir);
        try (Connection pg = DriverManager.getConnection(EmbeddedPostgresServer.shared().newDatabase("versions_eval"))) {
            VersionRoundTrip.Result r = new VersionRoundTrip(SchemaVersionReplayTest.CARS, pg).check(new DirectoryLog(logDir));
            assertThat(r.ok()).as(r.failures().toString()).isTrue();
            // the v1 application's rows: the Beetle and the 2CV (images), the DS (VALUES of literals with its id)
            assertThat(r.checked()).containsOnlyKeys("the up mapping of cars (version 1 → 2, model line 16) then the down "
                    + "mapping of cars (version 2 → 1, model line 17)");
            assertThat(r.checked().values().iterator().next()).isEqualTo(3);
            // the v2 application's rows go down lossily: counted, not checked
            assertThat(r.lossy().values().iterator().next()).isEqualTo(2);

            // an up that does not give the year back is caught, naming the statement
            Versions wrong = Model.parse(Files.readString(CARS_MODEL).replace("int4range(production_year, production_year",
                    "int4range(production_year + 1, production_year + 1"), "wrong.yaml").versions();
            VersionRoundTrip.Result bad = new VersionRoundTrip(wrong, pg).check(new DirectoryLog(logDir));
            assertThat(bad.ok()).isFalse();
            assertThat(bad.failures()).hasSize(3);
            assertThat(bad.failures().get(0).toString()).contains("gives (1,Beetle,1939) for (1,Beetle,1938)");
        }
    }

    // ---------------------------------------------------------------- the property

    private Connection pg;

    @BeforeProperty
    void connect() throws Exception {
        pg = DriverManager.getConnection(EmbeddedPostgresServer.shared().newDatabase("versions_property"));
    }

    @AfterProperty
    void disconnect() throws Exception {
        pg.close();
    }

    @Property
    void everyCarComesBackFromVersionTwo(@ForAll long id, @ForAll @StringLength(max = 40) String name,
                                         @ForAll @IntRange(min = -100_000, max = 100_000) int year) throws Exception {
        Versions v = SchemaVersionReplayTest.CARS;
        Versions.Mapping up = v.path("cars", v.version("1"), v.version("2")).get(0);
        Versions.Mapping down = v.path("cars", v.version("2"), v.version("1")).get(0);
        Map<String, Value> row = new LinkedHashMap<>();
        row.put("id", Value.int8(id));
        row.put("name", Value.text(name.replace("\u0000", "")));   // PostgreSQL text holds no NUL
        row.put("production_year", year % 7 == 0 ? Value.NULL : Value.int4(year));
        String[] texts = new VersionRoundTrip(v, pg).roundTrip(up, down, row);
        assertThat(texts[1]).isEqualTo(texts[0]);
    }
}
