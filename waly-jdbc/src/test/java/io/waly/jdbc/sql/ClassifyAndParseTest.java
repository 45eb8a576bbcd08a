package io.waly.jdbc.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.waly.command.Command;
import io.waly.command.Expr;
import io.waly.command.Value;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ClassifyAndParseTest {

    private final SqlClassifier classifier = new SqlClassifier(new CommandParser());

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT 1", "select * from t where a = 'x; DELETE FROM t'", "  -- comment\n SELECT now()",
            "/* a /* nested */ comment */ SELECT count(*) FROM t", "WITH x AS (SELECT 1) SELECT * FROM x",
            "SELECT * FROM t FOR UPDATE", "SELECT * FROM t FOR NO KEY UPDATE SKIP LOCKED", "SHOW search_path",
            "EXPLAIN SELECT * FROM t", "VALUES (1), (2)", "TABLE t", "SELECT $$it's; DROP TABLE t$$",
            "SELECT E'a\\'b; DELETE'", "SELECT \"update\" FROM t2", "SELECT coalesce(a, 0) + abs(b) FROM t",
            "FETCH NEXT FROM c", "SELECT pg_advisory_lock(1)", "SELECT array_agg(x ORDER BY x) FILTER (WHERE x > 1) FROM t",
            "(SELECT 1) UNION (SELECT 2)", "LISTEN chan", "SELECT pg_catalog.current_setting('search_path')",
            "SELECT cursor_to_xml('xc'::refcursor, 5, false, true, '')", "SELECT table_to_xmlschema('t', false, true, '')", ""})
    void readsAreNotLogged(String sql) {
        assertThat(classifier.classify(sql).isRead()).as(sql).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "INSERT INTO t VALUES (1)", "update t set a = 1", "DELETE FROM t", "SELECT nextval('s')",
            "SELECT setval('s', 10)", "SELECT my_function()", "SELECT public.f(1)", "SELECT app.lower('x')", "SELECT * INTO new_t FROM t",
            "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", "EXPLAIN ANALYZE DELETE FROM t",
            "EXPLAIN (ANALYZE, BUFFERS) UPDATE t SET a = 1", "CREATE TABLE t (a int)", "COPY t FROM STDIN",
            "DO $$BEGIN PERFORM 1; END$$", "CALL p(1)", "LOCK TABLE t", "SET search_path = s", "TRUNCATE t",
            "GRANT SELECT ON t TO bob", "COMMENT ON TABLE t IS 'x'", "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE",
            "select 1; insert into t values (2)", "PREPARE p AS INSERT INTO t VALUES ($1)", "EXECUTE p(1)",
            "SELECT set_config('search_path', 's', false)", "SELECT lo_unlink(42)"})
    void writesAreLogged(String sql) {
        SqlInfo info = classifier.classify(sql);
        assertThat(info.kind()).as(sql).isIn(SqlKind.WRITE, SqlKind.NON_TRANSACTIONAL);
        assertThat(info.command()).as(sql).isNotNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "BEGIN|BEGIN", "begin transaction isolation level serializable|BEGIN", "START TRANSACTION|BEGIN",
            "COMMIT|COMMIT", "END|COMMIT", "commit work|COMMIT", "ROLLBACK|ROLLBACK", "ABORT|ROLLBACK",
            "SAVEPOINT s1|SAVEPOINT", "RELEASE SAVEPOINT s1|RELEASE", "RELEASE s1|RELEASE",
            "ROLLBACK TO SAVEPOINT s1|ROLLBACK_TO", "rollback to s1|ROLLBACK_TO",
            "VACUUM t|NON_TRANSACTIONAL", "CREATE INDEX CONCURRENTLY i ON t (a)|NON_TRANSACTIONAL",
            "CREATE DATABASE d|NON_TRANSACTIONAL", "ALTER SYSTEM SET work_mem = '1MB'|NON_TRANSACTIONAL",
            "LOCK TABLE t|NON_TRANSACTIONAL", "SET search_path = a|NON_TRANSACTIONAL",
            "CALL p(1)|NON_TRANSACTIONAL", "DO $$ BEGIN NULL; END $$|NON_TRANSACTIONAL",
            "PREPARE TRANSACTION 'x'|PREPARE_TRANSACTION", "COMMIT PREPARED 'x'|COMMIT_PREPARED",
            "rollback prepared 'x'|ROLLBACK_PREPARED", "END AND CHAIN|COMMIT", "PREPARE q (int) AS SELECT $1|WRITE"})
    void transactionControl(String sql, SqlKind kind) {
        assertThat(classifier.classify(sql).kind()).as(sql).isEqualTo(kind);
    }

    @Test
    void writesByCursorPositionAreTheirTableWithThePositionKept() {
        assertThat(classifier.classify("UPDATE cur SET v = ? WHERE CURRENT OF \"My Cursor\"").command()).isEqualTo(
                new Command.Update(new Command.Table(null, "cur"), List.of(new Command.Assignment("v", new Expr.Param(1))),
                        new Expr.Raw("CURRENT OF \"My Cursor\""), null, null));
        assertThat(classifier.classify("DELETE FROM s.cur WHERE CURRENT OF c RETURNING id").command()).isEqualTo(
                new Command.Delete(new Command.Table("s", "cur"), new Expr.Raw("CURRENT OF c"), null, List.of("id")));
        assertThat(classifier.classify("UPDATE cur SET v = 1 WHERE CURRENT OF").command()).isInstanceOf(Command.Sql.class);
    }

    /** {@code UPDATE ONLY} / {@code DELETE FROM ONLY} (inheritance parents) name their table like the statement without it. */
    @Test
    void writesToATableOnlyNameTheirTable() {
        assertThat(classifier.classify("UPDATE ONLY s.a SET aa = ? WHERE id = 3").command()).isEqualTo(
                classifier.classify("UPDATE s.a SET aa = ? WHERE id = 3").command());
        assertThat(classifier.classify("delete from only a where aa = 'new' returning *").command()).isEqualTo(
                classifier.classify("delete from a where aa = 'new' returning *").command());
        assertThat(classifier.classify("DELETE FROM ONLY cur WHERE CURRENT OF c").command()).isEqualTo(
                new Command.Delete(new Command.Table(null, "cur"), new Expr.Raw("CURRENT OF c"), null, null));
        assertThat(classifier.classify("UPDATE ONLY a SET aa = 1").command()).isInstanceOf(Command.Update.class);
        assertThat(classifier.classify("UPDATE ONLY a SET").command()).isInstanceOf(Command.Sql.class);   // still unparsable
    }

    @Test
    void onlyTrailingSemicolonsAndWhiteSpaceAreCutForSending() {
        assertThat(SqlLexer.beforeTrailingSemicolons("DELETE FROM t WHERE CURRENT OF c ;;\n ")).isEqualTo("DELETE FROM t WHERE CURRENT OF c");
        assertThat(SqlLexer.beforeTrailingSemicolons("DELETE FROM t WHERE a = ';';")).isEqualTo("DELETE FROM t WHERE a = ';'");
        assertThat(SqlLexer.beforeTrailingSemicolons("DELETE FROM t; -- gone?")).isNull();
        assertThat(SqlLexer.beforeTrailingSemicolons("DELETE FROM t; DELETE FROM u;")).isNull();
        assertThat(SqlLexer.beforeTrailingSemicolons("DELETE FROM t")).isNull();
        assertThat(SqlLexer.beforeTrailingSemicolons(";")).isNull();
    }

    @Test
    void twoPhaseIdentifiersAreTheirStringLiterals() {
        assertThat(classifier.classify("PREPARE TRANSACTION 'tx one'").name()).isEqualTo("tx one");
        assertThat(classifier.classify("COMMIT PREPARED E'it''s'").name()).isEqualTo("it's");
        assertThat(classifier.classify("ROLLBACK PREPARED 'a'").name()).isEqualTo("a");
    }

    @Test
    void savepointNamesFoldLikePostgres() {
        assertThat(classifier.classify("SAVEPOINT My_Point").name()).isEqualTo("my_point");
        assertThat(classifier.classify("ROLLBACK TO SAVEPOINT \"My Point\"").name()).isEqualTo("My Point");
    }

    @Test
    void insertWithLiteralsParsesOncePerShapeAndKeepsItsValues() {
        Command a = classifier.classify("INSERT INTO shop.item (id, name, price) VALUES (1, 'it''s', 9.99)").command();
        Command b = classifier.classify("INSERT INTO shop.item (id, name, price) VALUES (2, 'other', 10.5)").command();
        assertThat(a).isInstanceOf(Command.Insert.class);
        Command.Insert ia = (Command.Insert) a;
        assertThat(ia.table()).isEqualTo(new Command.Table("shop", "item"));
        assertThat(ia.columns()).containsExactly("id", "name", "price");
        assertThat(ia.rows().get(0)).containsExactly(new Expr.Literal(Value.int4(1)), new Expr.Literal(Value.text("it's")),
                new Expr.Literal(Value.numeric(new java.math.BigDecimal("9.99"))));
        assertThat(((Command.Insert) b).rows().get(0).get(1)).isEqualTo(new Expr.Literal(Value.text("other")));
    }

    @Test
    void multiRowInsertAndParametersAndDefault() {
        Command.Insert i = (Command.Insert) classifier.classify("INSERT INTO t (a, b) VALUES (?, DEFAULT), (3, ?)").command();
        assertThat(i.rows()).hasSize(2);
        assertThat(i.rows().get(0)).containsExactly(new Expr.Param(1), new Expr.Default());
        assertThat(i.rows().get(1)).containsExactly(new Expr.Literal(Value.int4(3)), new Expr.Param(2));
    }

    @Test
    void upsertKeepsConflictTargetAndAction() {
        Command c = classifier.classify("INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v + 1 WHERE kv.v < 10").command();
        assertThat(c).isInstanceOf(Command.Upsert.class);
        Command.Upsert u = (Command.Upsert) c;
        assertThat(u.conflictColumns()).containsExactly("k");
        assertThat(u.doNothing()).isFalse();
        assertThat(u.set()).hasSize(1);
        assertThat(u.where()).isNotNull();
        Command.Upsert n = (Command.Upsert) classifier.classify("INSERT INTO kv VALUES (1, 2) ON CONFLICT DO NOTHING").command();
        assertThat(n.doNothing()).isTrue();
    }

    @Test
    void updateWithArithmeticAndWhere() {
        Command.Update u = (Command.Update) classifier.classify(
                "UPDATE account SET balance = balance + 5, name = 'x' WHERE id IN (1, 2) AND NOT closed AND note LIKE 'a%' AND d BETWEEN 1 AND 2 AND e IS NOT NULL").command();
        assertThat(u.set().get(0).value()).isEqualTo(new Expr.Arith("+", new Expr.Column(null, "balance"), new Expr.Literal(Value.int4(5))));
        assertThat(u.where()).isInstanceOf(Expr.And.class);
        List<Expr> terms = ((Expr.And) u.where()).terms();
        assertThat(terms).hasSize(5);
        assertThat(terms.get(0)).isInstanceOf(Expr.In.class);
        assertThat(terms.get(1)).isInstanceOf(Expr.Not.class);
        assertThat(terms.get(2)).isInstanceOf(Expr.Like.class);
        assertThat(terms.get(3)).isInstanceOf(Expr.Between.class);
        assertThat(terms.get(4)).isEqualTo(new Expr.IsNull(new Expr.Column(null, "e"), true));
    }

    @Test
    void updateFromAndDeleteUsingNameTheOtherTables() {
        Command.Update u = (Command.Update) classifier.classify("UPDATE t SET a = s.a FROM s WHERE t.id = s.id").command();
        assertThat(u.from()).isNotEmpty();
        Command.Delete d = (Command.Delete) classifier.classify("DELETE FROM t USING s WHERE t.id = s.id").command();
        assertThat(d.using()).isNotEmpty();
    }

    @Test
    void unparsableWritesStillBecomeACommand() {
        for (String sql : List.of("INSERT INTO t VALUES (1) ON CONFLICT ON CONSTRAINT c DO UPDATE SET x = (SELECT max(y) FROM z) ::: nonsense",
                "ALTER TABLE t ALTER COLUMN a TYPE bigint USING a::bigint", "REFRESH MATERIALIZED VIEW CONCURRENTLY mv",
                "SECURITY LABEL ON TABLE t IS 'x'", "CREATE EXTENSION IF NOT EXISTS pgcrypto", "x".repeat(200_000))) {
            SqlInfo info = classifier.classify(sql);
            assertThat(info.command()).as(sql.substring(0, Math.min(40, sql.length()))).isNotNull();
        }
    }

    @Test
    void jdbcEscapedQuestionMarkIsNotAParameter() {
        List<SqlLexer.Token> t = SqlLexer.tokenize("SELECT '{\"a\":1}'::jsonb ?? 'a', ?");
        assertThat(t.stream().filter(x -> x.type() == SqlLexer.Type.PARAM).count()).isEqualTo(1);
    }

    @Test
    void statementsSplitOnlyAtTopLevelSemicolons() {
        List<List<SqlLexer.Token>> parts = SqlLexer.statements(SqlLexer.tokenize(
                "INSERT INTO t VALUES ('a;b'); /* ; */ UPDATE t SET a = $x$;$x$; -- ;\n DELETE FROM t;"));
        assertThat(parts).hasSize(3);
    }
}
