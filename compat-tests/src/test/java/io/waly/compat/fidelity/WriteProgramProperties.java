package io.waly.compat.fidelity;

import io.waly.compat.support.RoundTrip;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterProperty;

/**
 * Fidelity: random programs of writes — inserts (keys drawn by default or by name), updates (of the key too), deletes,
 * upserts, DDL, transactions with savepoints,
 * rollbacks and failing statements, three connections interleaved on one thread — run through WAL-y; the log replayed
 * into a fresh database equals the source table by table, and every sequence ends at or past its table's highest
 * value. A program is data (a list of {@link Op}s), so jqwik shrinks a failure to a minimal program, printed as SQL.
 *
 * <p>Interleaving on one thread means one connection can wait for a lock another holds: {@code lock_timeout} turns
 * that wait into a failing statement (55P03), which is one more kind of failure the log must record truthfully.
 */
class WriteProgramProperties {

    static final int CONNECTIONS = 3;
    static final int TABLES = 2;

    /** One step of a program: which connection runs what. */
    record Op(int conn, Kind kind, int table, int key, int value) {
        String sql() {
            String t = "t" + table;
            return switch (kind) {
                case INSERT -> "INSERT INTO " + t + " (k, v) VALUES (" + key + ", " + value + ")";
                case INSERT_DEFAULTS -> "INSERT INTO " + t + " DEFAULT VALUES";
                case UPDATE -> "UPDATE " + t + " SET v = v + " + value + " WHERE k = " + key;
                case UPDATE_MANY -> "UPDATE " + t + " SET v = coalesce(v, 0) * 2, note = note || 'x' WHERE coalesce(v, 0) % 3 = " + (value % 3);
                case DELETE -> "DELETE FROM " + t + " WHERE k = " + key;
                case UPSERT -> "INSERT INTO " + t + " (k, v) VALUES (" + key + ", " + value + ") "
                        + "ON CONFLICT (k) DO UPDATE SET v = " + t + ".v + excluded.v";
                case UPSERT_NOTHING -> "INSERT INTO " + t + " (k, v) VALUES (" + key + ", " + value + ") ON CONFLICT DO NOTHING";
                case INSERT_SELECT -> "INSERT INTO " + t + " (k, v) SELECT k + 100, v FROM t" + ((table + 1) % TABLES)
                        + " WHERE k = " + key;
                case INSERT_NEXTVAL -> "INSERT INTO " + t + " (id, k, v) VALUES (nextval('" + t + "_id_seq'), " + key + ", " + value + ")";
                case UPDATE_KEY -> "UPDATE " + t + " SET id = id + 1000 WHERE k = " + key;
                case SELECT_NEXTVAL -> "SELECT nextval('" + t + "_id_seq')";
                case FAIL_DIVIDE -> "UPDATE " + t + " SET v = v / 0 WHERE k = " + key;
                case FAIL_SYNTAX -> "INSERT INTO " + t + " (k, v) VALUES (" + key + ", ";
                case FAIL_CHECK -> "INSERT INTO " + t + " (k, v) VALUES (" + key + ", -1)";
                case DDL_ADD_COLUMN -> "ALTER TABLE " + t + " ADD COLUMN IF NOT EXISTS c" + value + " int DEFAULT " + value;
                case DDL_INDEX -> "CREATE INDEX IF NOT EXISTS " + t + "_v" + (value % 3) + " ON " + t + " (v)";
                case DDL_DEFAULT -> "ALTER TABLE " + t + " ALTER COLUMN v SET DEFAULT " + value;
                case TRUNCATE -> "TRUNCATE " + t;
                case BEGIN -> "BEGIN";
                case COMMIT -> "COMMIT";
                case ROLLBACK -> "ROLLBACK";
                case SAVEPOINT -> "SAVEPOINT";
                case ROLLBACK_TO -> "ROLLBACK TO SAVEPOINT";
                case RELEASE -> "RELEASE SAVEPOINT";
            };
        }

        @Override
        public String toString() {
            return "c" + conn + ": " + sql();
        }
    }

    enum Kind {
        INSERT, INSERT_DEFAULTS, UPDATE, UPDATE_MANY, DELETE, UPSERT, UPSERT_NOTHING, INSERT_SELECT,
        INSERT_NEXTVAL, UPDATE_KEY, SELECT_NEXTVAL,
        FAIL_DIVIDE, FAIL_SYNTAX, FAIL_CHECK, DDL_ADD_COLUMN, DDL_INDEX, DDL_DEFAULT, TRUNCATE,
        BEGIN, COMMIT, ROLLBACK, SAVEPOINT, ROLLBACK_TO, RELEASE
    }

    @Provide
    Arbitrary<List<Op>> programs() {
        Arbitrary<Kind> kinds = Arbitraries.frequency(
                net.jqwik.api.Tuple.of(12, Kind.INSERT),
                net.jqwik.api.Tuple.of(3, Kind.INSERT_DEFAULTS),
                net.jqwik.api.Tuple.of(8, Kind.UPDATE),
                net.jqwik.api.Tuple.of(3, Kind.UPDATE_MANY),
                net.jqwik.api.Tuple.of(5, Kind.DELETE),
                net.jqwik.api.Tuple.of(5, Kind.UPSERT),
                net.jqwik.api.Tuple.of(3, Kind.UPSERT_NOTHING),
                net.jqwik.api.Tuple.of(2, Kind.INSERT_SELECT),
                net.jqwik.api.Tuple.of(2, Kind.INSERT_NEXTVAL),
                net.jqwik.api.Tuple.of(1, Kind.UPDATE_KEY),
                net.jqwik.api.Tuple.of(1, Kind.SELECT_NEXTVAL),
                net.jqwik.api.Tuple.of(2, Kind.FAIL_DIVIDE),
                net.jqwik.api.Tuple.of(1, Kind.FAIL_SYNTAX),
                net.jqwik.api.Tuple.of(2, Kind.FAIL_CHECK),
                net.jqwik.api.Tuple.of(1, Kind.DDL_ADD_COLUMN),
                net.jqwik.api.Tuple.of(1, Kind.DDL_INDEX),
                net.jqwik.api.Tuple.of(1, Kind.DDL_DEFAULT),
                net.jqwik.api.Tuple.of(1, Kind.TRUNCATE),
                net.jqwik.api.Tuple.of(6, Kind.BEGIN),
                net.jqwik.api.Tuple.of(4, Kind.COMMIT),
                net.jqwik.api.Tuple.of(2, Kind.ROLLBACK),
                net.jqwik.api.Tuple.of(3, Kind.SAVEPOINT),
                net.jqwik.api.Tuple.of(2, Kind.ROLLBACK_TO),
                net.jqwik.api.Tuple.of(1, Kind.RELEASE));
        Arbitrary<Op> op = Combinators.combine(
                Arbitraries.integers().between(0, CONNECTIONS - 1), kinds, Arbitraries.integers().between(0, TABLES - 1),
                Arbitraries.integers().between(0, 9), Arbitraries.integers().between(0, 20)).as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(40);
    }

    private final List<Path> dirs = new ArrayList<>();

    @AfterProperty
    void cleanUp() throws Exception {
        for (Path d : dirs) {
            try (var files = Files.walk(d)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        dirs.clear();
    }

    @Property(shrinking = ShrinkingMode.FULL)
    void replayOfAnyWriteProgramEqualsTheSource(@ForAll("programs") List<Op> program) throws Exception {
        Path logDir = Files.createTempDirectory("waly-fidelity");
        dirs.add(logDir);
        RoundTrip rt = new RoundTrip("fidelity", logDir);
        try (Connection c = rt.walyConnection(); Statement s = c.createStatement()) {
            for (int t = 0; t < TABLES; t++) {
                s.execute("CREATE TABLE t" + t + " (id serial PRIMARY KEY, k int UNIQUE, v int CHECK (v IS NULL OR v >= 0), "
                        + "note text DEFAULT md5(random()::text), at timestamptz DEFAULT clock_timestamp())");
            }
        }
        run(rt, program);
        rt.replayAndAssertEqual();
        rt.dropDatabases();   // kept when the property fails, for a look
    }

    /** Runs a program; every statement's outcome, failures included, is the database's business, not the test's. */
    static void run(RoundTrip rt, List<Op> program) throws SQLException {
        List<Connection> conns = new ArrayList<>();
        List<Deque<Savepoint>> savepoints = new ArrayList<>();
        try {
            for (int i = 0; i < CONNECTIONS; i++) {
                Connection c = rt.walyConnection();
                try (Statement s = c.createStatement()) {
                    s.execute("SET lock_timeout = '40ms'");
                }
                conns.add(c);
                savepoints.add(new ArrayDeque<>());
            }
            for (Op op : program) {
                Connection c = conns.get(op.conn());
                Deque<Savepoint> sps = savepoints.get(op.conn());
                try {
                    switch (op.kind()) {
                        case BEGIN -> {
                            if (c.getAutoCommit()) c.setAutoCommit(false);
                        }
                        case COMMIT -> {
                            if (!c.getAutoCommit()) {
                                sps.clear();
                                c.commit();
                                c.setAutoCommit(true);
                            }
                        }
                        case ROLLBACK -> {
                            if (!c.getAutoCommit()) {
                                sps.clear();
                                c.rollback();
                                c.setAutoCommit(true);
                            }
                        }
                        case SAVEPOINT -> {
                            if (!c.getAutoCommit()) sps.push(c.setSavepoint("sp" + sps.size()));
                        }
                        case ROLLBACK_TO -> {
                            if (!sps.isEmpty()) c.rollback(sps.peek());   // the savepoint stays, as in SQL
                        }
                        case RELEASE -> {
                            if (!sps.isEmpty()) c.releaseSavepoint(sps.pop());
                        }
                        default -> {
                            try (Statement s = c.createStatement()) {
                                s.execute(op.sql());
                            }
                        }
                    }
                } catch (SQLException e) {
                    // failing statements are part of the program
                }
            }
        } finally {
            for (Connection c : conns) c.close();   // open transactions roll back
        }
    }
}
