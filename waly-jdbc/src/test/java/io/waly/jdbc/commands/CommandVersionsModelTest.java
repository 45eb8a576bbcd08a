package io.waly.jdbc.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waly.command.Value;
import io.waly.log.payload.Payloads;
import io.waly.log.replay.CommandBodies;
import io.waly.log.tx.Transaction;
import io.waly.model.Commands;
import io.waly.model.DeclaredCommand;
import io.waly.model.Model;
import io.waly.model.ModelException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A command's bodies per schema version ({@code versions:} of a command): which body each version runs, and every refusal at its line. */
class CommandVersionsModelTest {

    /** The seed's cars: a production year (version 1) that becomes a set of years (version 2). */
    static final String CARS = """
            tables:
              cars: {}
            versions:
              - version: 1
                appVersions: ["1.*"]
                tables:
                  cars: {columns: {id: int8, name: text, production_year: int4}}
              - version: 2
                appVersions: ["2.*"]
                tables:
                  cars:
                    columns: {id: int8, name: text, production_years: int4multirange}
                    up: {production_years: "int4multirange(int4range(production_year, production_year, '[]'))"}
                    down: {production_year: "lower(production_years)"}
                    lossy: production_year keeps the first year
            """;

    static final String ADD_CAR = CARS + """
            commands:
              ADD_CAR:
                args: {id: bigint, name: text, year: integer}
                postgres: ["INSERT INTO cars(id, name, production_year) VALUES (:id, :name, :year)"]
                mongo:
                  - insertOne: cars
                    document: {_id: ':id', name: ':name', year: ':year'}
                versions:
                  "2":
                    postgres: ["INSERT INTO cars(id, name, production_years) VALUES (:id, :name, int4multirange(int4range(:year, :year, '[]')))"]
                    mongo:
                      - insertOne: cars
                        document: {_id: ':id', name: ':name', years: [':year']}
              REMOVE_CAR:
                args: {id: bigint}
                postgres: ["DELETE FROM cars WHERE id = :id"]
            """;

    @Test
    void eachVersionRunsItsBody() {
        Model m = Model.parse(ADD_CAR, "m.yaml");
        Commands cs = m.commands();
        DeclaredCommand c = cs.named("add_car");
        assertThat(cs.hasBodiesPerVersion()).isTrue();
        assertThat(cs.inVersion(c, m.versions().version("1")).body()).extracting(DeclaredCommand.Statement::sql)
                .containsExactly("INSERT INTO cars(id, name, production_year) VALUES (?, ?, ?)");
        assertThat(cs.inVersion(c, m.versions().version("2")).body()).extracting(DeclaredCommand.Statement::sql)
                .containsExactly("INSERT INTO cars(id, name, production_years) VALUES (?, ?, int4multirange(int4range(?, ?, '[]')))");
        assertThat(cs.inVersion(c, null)).isSameAs(c);   // a connection the model places in no version: the command's own body
        DeclaredCommand remove = cs.named("remove_car");
        assertThat(cs.inVersion(remove, m.versions().version("2"))).isSameAs(remove);

        Payloads.AppCommand add = new Payloads.AppCommand(1, "ADD_CAR", Map.of("id", Value.int8(1), "name", Value.text("T"),
                "year", Value.int4(1908)), "call", 1, "m");
        // the version the transaction was written under…
        CommandBodies written = cs.bodies(null);
        assertThat(written.mongo(add, tx("1.4")).get(0).document()).containsKey("year");
        assertThat(written.mongo(add, tx("2.0")).get(0).document()).containsKey("years");
        assertThat(written.mongo(add, tx(null)).get(0).document()).containsKey("year");
        // …or the target's, whatever the transaction's
        assertThat(cs.bodies("1").mongo(add, tx("2.0")).get(0).document()).containsKey("year");
        assertThat(cs.bodies("2").mongo(add, tx("1.0")).get(0).document()).containsKey("years");
        assertThatThrownBy(() -> cs.bodies("3")).hasMessageContaining("the model has no version 3 (versions: 1, 2)");
    }

    private static Transaction tx(String appVersion) {
        return new Transaction(1, 2, Instant.EPOCH, 1, -1, true, List.of(), Map.of(), false, 3, List.of(), appVersion, null);
    }

    @Test
    void badBodiesPerVersionAreRefusedAtTheirLine() {
        String head = CARS + """
                commands:
                  ADD_CAR:
                    args: {id: bigint, name: text, year: integer}
                    postgres: ["INSERT INTO cars(id, name, production_year) VALUES (:id, :name, :year)"]
                """;
        assertError(head + """
                    versions:
                      "3": {postgres: ["DELETE FROM cars WHERE id = :id"]}
                """, 21, "the model has no version 3 (versions: 1, 2)");
        assertError(head + """
                    versions:
                      "2": {postgres: ["UPDATE cars SET name = :name, production_year = :year WHERE id = :id"]}
                """, 21, "column production_year of table cars is not in schema version 2, whose body this is "
                + "(its columns there: id, name, production_years)");
        assertError(head.replace("production_year)", "production_years)") + """
                    versions:
                      "2": {postgres: ["INSERT INTO cars(id, name, production_years) VALUES (:id, :name, :year)"]}
                """, 19, "column production_years of table cars is not in schema version 1, whose body this is");
        assertError(head + """
                    versions:
                      "2": {postgres: ["DELETE FROM cars WHERE id = :id"]}
                """, 21, "argument name of ADD_CAR is not used by its body");
        assertError(head + """
                    versions:
                      "2": {}
                """, 21, "the body at version 2 gives neither postgres: nor mongo:");
        assertError(head + """
                    versions:
                      "2": {sql: ["DELETE FROM cars WHERE id = :id"]}
                """, 21, "unknown key 'sql' in the body of version 2 (known: ");
    }

    private static void assertError(String yaml, int line, String text) {
        assertThatThrownBy(() -> Model.parse(yaml, "m.yaml"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining(text)
                .satisfies(e -> assertThat(((ModelException) e).line()).as(e.getMessage()).isEqualTo(line));
    }
}
