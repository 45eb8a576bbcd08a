package io.waly.compat.frameworks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waly.compat.support.RoundTrip;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JDBI 3's core API: named and bean binding, prepared batches, generated keys, transactions and savepoints. */
class JdbiTest {

    @TempDir
    Path logDir;

    public static final class Person {
        private final String name;
        private final LocalDate born;
        private final String email;

        public Person(String name, LocalDate born, String email) {
            this.name = name;
            this.born = born;
            this.email = email;
        }

        public String getName() {
            return name;
        }

        public LocalDate getBorn() {
            return born;
        }

        public String getEmail() {
            return email;
        }
    }

    @Test
    void handlesBatchesKeysTransactionsAndSavepointsReplayExactly() throws Exception {
        RoundTrip rt = new RoundTrip("jdbi", logDir);
        Jdbi jdbi = Jdbi.create(rt.dataSource());
        jdbi.useHandle(h -> {
            h.execute("CREATE TABLE person (id serial PRIMARY KEY, name text NOT NULL, born date, email text UNIQUE, "
                    + "joined timestamptz NOT NULL DEFAULT clock_timestamp(), tags text[])");
            h.execute("CREATE TABLE event (id bigserial PRIMARY KEY, person_id int REFERENCES person(id) ON DELETE CASCADE, "
                    + "at timestamptz, kind text)");
            // joined is bound here: generated keys + a volatile default is CaptureCornersTest's disabled WAL-y bug
            int id = h.createUpdate("INSERT INTO person (name, born, email, tags, joined) VALUES (:name, :born, :email, :tags, :joined)")
                    .bind("joined", java.time.OffsetDateTime.parse("2024-02-29T12:00:00+01:00"))
                    .bind("name", "Ada").bind("born", LocalDate.of(1815, 12, 10)).bind("email", "ada@example.org")
                    .bindArray("tags", String.class, List.of("math", "engines"))
                    .executeAndReturnGeneratedKeys("id").mapTo(Integer.class).one();
            assertThat(id).isEqualTo(1);
            h.createUpdate("INSERT INTO person (name, born, email) VALUES (:name, :born, :email)")
                    .bindBean(new Person("Grace", LocalDate.of(1906, 12, 9), "grace@example.org")).execute();

            PreparedBatch batch = h.prepareBatch("INSERT INTO event (person_id, at, kind) VALUES (:p, :at, :kind)");
            for (int i = 0; i < 40; i++) {
                batch.bind("p", 1 + i % 2).bind("at", Instant.parse("2025-01-01T00:00:00Z").plusSeconds(i * 61L))
                        .bind("kind", i % 3 == 0 ? "login" : "click").add();
            }
            assertThat(batch.execute()).hasSize(40);
            List<Long> keys = h.prepareBatch("INSERT INTO event (person_id, kind) VALUES (:p, :k)")
                    .bind("p", 2).bind("k", "a").add().bind("p", 2).bind("k", "b").add()
                    .executePreparedBatch("id").mapTo(Long.class).list();
            assertThat(keys).containsExactly(41L, 42L);
        });

        jdbi.useTransaction(h -> {
            h.execute("UPDATE person SET email = upper(email) WHERE id = ?", 1);
            h.savepoint("before_purge");
            h.execute("DELETE FROM event");
            h.rollbackToSavepoint("before_purge");
            h.execute("DELETE FROM event WHERE kind = ?", "click");
        });
        assertThatThrownBy(() -> jdbi.useTransaction(h -> {
            h.execute("INSERT INTO person (name, email) VALUES ('Eve', 'eve@example.org')");
            h.execute("INSERT INTO person (name, email) VALUES ('Mallory', 'ada@example.org')");   // not a dup: upper-cased
            h.execute("INSERT INTO person (name, email) VALUES ('Trent', 'grace@example.org')");   // duplicate: 23505
        })).isInstanceOf(UnableToExecuteStatementException.class).hasMessageContaining("duplicate key");
        try (Handle h = jdbi.open()) {
            h.begin();
            h.execute("INSERT INTO person (name) VALUES ('rolled back')");
            h.rollback();
            List<Map<String, Object>> rows = h.createQuery("SELECT name FROM person ORDER BY id").mapToMap().list();
            assertThat(rows).extracting(m -> m.get("name")).containsExactly("Ada", "Grace");
            h.execute("DELETE FROM person WHERE name = ?", "Grace");   // cascades to events
        }
        rt.replayAndAssertEqual();
    }
}
