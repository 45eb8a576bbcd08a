package io.waly.model;

import static io.waly.model.ModelTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class VersionsTest {

    /** The seed's example: a car's production year becomes a set of years (a multirange), and back. */
    static final String CARS = """
            tables:
              cars: {}
              dealers: {}
            versions:
              - version: 1
                appVersions: ["1.*"]
                migrations: ["1"]
                tables:
                  cars: {columns: {id: int8, name: text, production_year: int4}}
                  dealers: {columns: {id: int8, city: text}}
              - version: 2
                appVersions: ["2.*"]
                migrations: ["2", "2.1"]
                tables:
                  cars:
                    columns: {id: int8, name: text, production_years: int4multirange}
                    up: {production_years: "int4multirange(int4range(production_year, production_year, '[]'))"}
                    down: {production_year: "lower(production_years)"}
                    lossy: production_year keeps the first year of production_years
              - version: 3
                appVersions: ["3.*"]
            """;

    @Test
    void readsVersionsAndMapsRowsBetweenThem() {
        Versions v = Model.parse(CARS, "cars.yaml").versions();
        assertThat(v.all()).extracting(Versions.Version::name).containsExactly("1", "2", "3");
        Versions.Version v1 = v.version("1"), v2 = v.version("2"), v3 = v.version("3");
        assertThat(v.writtenUnder("2.0.3", null)).isEqualTo(v2);
        assertThat(v.writtenUnder("9.0", "2.1")).isEqualTo(v2);   // no app pattern: the migration says
        assertThat(v.writtenUnder(null, "1")).isEqualTo(v1);
        assertThat(v.writtenUnder("0.9", null)).isNull();
        assertThat(v.migratedTo("2.1")).isEqualTo(v2);

        List<Versions.Mapping> down = v.path("public.cars", v3, v1);
        assertThat(down).hasSize(1);   // 3 → 2 changes nothing
        assertThat(down.get(0).expressions()).containsExactly(
                org.assertj.core.api.Assertions.entry("id", "id"), org.assertj.core.api.Assertions.entry("name", "name"),
                org.assertj.core.api.Assertions.entry("production_year", "lower(production_years)"));
        assertThat(down.get(0).lossy()).contains("first year");
        List<Versions.Mapping> up = v.path("cars", v1, v2);
        assertThat(up.get(0).expressions().get("production_years")).startsWith("int4multirange(");
        assertThat(up.get(0).fromColumns()).containsKeys("production_year");
        assertThat(v.path("dealers", v1, v3)).isEmpty();
        assertThat(v.path("orders", v1, v3)).isEmpty();
        assertThat(v.columns("cars", v3)).containsKey("production_years");
        assertThat(v.mappings()).hasSize(2);
        assertThatThrownBy(() -> v.version("4")).hasMessageContaining("versions: 1, 2, 3");
    }

    /** The model without the lines that hold any of {@code keys}. */
    static String without(String yaml, String... keys) {
        StringBuilder out = new StringBuilder();
        for (String line : yaml.split("\n", -1)) {
            boolean drop = false;
            for (String k : keys) drop |= line.trim().startsWith(k);
            if (!drop) out.append(line).append('\n');
        }
        return out.toString();
    }

    @Test
    void badVersionsAreRefusedAtTheirLine() {
        assertError(CARS.replace("lower(production_years)", "lower(production_yeers)"), 18,
                "reads production_yeers, which version 2's cars does not have");
        assertError(CARS.replace("production_year, production_year,", "production_year, year,"), 17,
                "the up mapping of cars.production_years reads year");
        assertError(without(CARS, "down:", "lossy:"), 17, "maps rows up only: give down: too");
        assertError(CARS.replace("down: {production_year:", "down: {production_yr:"), 18,
                "down sets production_yr, which version 1's cars does not have");
        assertError(without(CARS, "up:", "down:", "lossy:"), 16,
                "cars.production_years of version 2 is not in version 1: the up mapping must say how to compute it");
        assertError(CARS.replace("  cars: {columns: {id: int8, name: text, production_year: int4}}", "  carz: {columns: {id: int8}}"), 9,
                "unknown table carz");
        assertError(CARS.replace("migrations: [\"2\", \"2.1\"]", "migrations: [\"1\"]"), 13, "migration 1 is already version 1's");
        assertError(CARS.replace("version: 3", "version: 2"), 20, "version 2 is declared twice");
        assertError("""
                tables: {cars: {}}
                versions:
                  - version: 1
                    tables:
                      cars: {columns: {id: int8}, up: {id: "id"}}
                """, 5, "version 1 is the first");
        assertError("""
                versions: {v: 1}
                """, 1, "versions must be a list");
    }

    /** The cars' up mapping as a Java function: given as a class name, or with the columns it reads. */
    static final String JAVA = CARS.replace(
            "up: {production_years: \"int4multirange(int4range(production_year, production_year, '[]'))\"}",
            "up: {java: io.waly.model.YearsInJava}");

    @Test
    void aMappingMayBeAJavaFunction() {
        Versions v = Model.parse(JAVA, "cars.yaml").versions();
        Versions.Mapping up = v.path("cars", v.version("1"), v.version("2")).get(0);
        assertThat(up.java().className()).isEqualTo("io.waly.model.YearsInJava");
        assertThat(up.java().function()).isInstanceOf(YearsInJava.class);
        assertThat(up.java().columns()).containsExactly("production_years");   // what the step changes; the rest is kept
        assertThat(up.expressions()).containsOnlyKeys("id", "name");
        assertThat(up.reads("production_years")).containsExactly("id", "name", "production_year");
        assertThat(up.reads("name")).containsExactly("name");
        assertThat(up.identity()).isFalse();
        assertThat(v.path("cars", v.version("2"), v.version("1")).get(0).java()).isNull();

        Versions narrow = Model.parse(JAVA.replace("{java: io.waly.model.YearsInJava}",
                "{java: {class: io.waly.model.YearsInJava, reads: [production_year]}}"), "cars.yaml").versions();
        Versions.Mapping n = narrow.path("cars", narrow.version("1"), narrow.version("2")).get(0);
        assertThat(n.reads("production_years")).containsExactly("production_year");
        // a Java function next to SQL expressions computes only what they leave
        Versions next = Model.parse(JAVA.replace("{java: io.waly.model.YearsInJava}",
                "{java: io.waly.model.YearsInJava, name: \"upper(name)\"}"), "cars.yaml").versions();
        Versions.Mapping both = next.path("cars", next.version("1"), next.version("2")).get(0);
        assertThat(both.expressions()).containsEntry("name", "upper(name)");
        assertThat(both.java().columns()).containsExactly("production_years");
    }

    @Test
    void aBadJavaMappingIsRefusedAtItsLine() {
        assertError(JAVA.replace("io.waly.model.YearsInJava", "com.example.Missing"), 17,
                "java: class com.example.Missing is not on the classpath");
        assertError(JAVA.replace("io.waly.model.YearsInJava", "java.lang.String"), 17,
                "java: java.lang.String does not implement io.waly.model.RowFunction");
        assertError(JAVA.replace("io.waly.model.YearsInJava", "io.waly.model.RowFunction"), 17,
                "java: io.waly.model.RowFunction must be a public, non-abstract class");
        assertError(JAVA.replace("{java: io.waly.model.YearsInJava}", "{java: {class: io.waly.model.YearsInJava, reads: [year]}}"), 17,
                "java: reads year, which version 1's cars does not have (columns: id, name, production_year)");
        assertError(JAVA.replace("{java: io.waly.model.YearsInJava}", "{java: {reads: [name]}}"), 17, "needs class:");
        assertError(JAVA.replace("{java: io.waly.model.YearsInJava}",
                "{java: io.waly.model.YearsInJava, production_years: \"NULL\"}"), 17,
                "java: io.waly.model.YearsInJava computes no column");
        assertError(JAVA.replace("{java: io.waly.model.YearsInJava}", "{java: io.waly.model.YearsInJava, colour: \"'red'\"}"), 17,
                "up sets colour, which version 2's cars does not have");
    }
}
