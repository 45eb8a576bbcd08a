package io.waly.jdbc.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.waly.command.Command;
import org.junit.jupiter.api.Test;

/**
 * The texts replay runs in place of a logged statement: a large-object call given its logged OID, and a
 * {@code SELECT … INTO} as the {@code CREATE TABLE … AS … WITH NO DATA} that makes its table empty. (The round trips
 * through PostgreSQL are in {@code ReplayRoundTripTest}.)
 */
class ReplayRewritesTest {

    @Test
    void aLargeObjectCallGetsTheLoggedOid() {
        assertThat(LargeObjectCalls.withOid("INSERT INTO t (loid) SELECT lo_creat(42)", 9001)).isEqualTo("INSERT INTO t (loid) SELECT lo_create(9001)");
        assertThat(LargeObjectCalls.withOid("SELECT pg_catalog.lo_create(0);", 7)).isEqualTo("SELECT pg_catalog.lo_create(7);");
        assertThat(LargeObjectCalls.withOid("SELECT lo_from_bytea(0, lo_get(loid, 0, 5)) AS n FROM t", 7))
                .isEqualTo("SELECT lo_from_bytea(7, lo_get(loid, 0, 5)) AS n FROM t");
        assertThat(LargeObjectCalls.withOid("SELECT LO_IMPORT('/tmp/a (1).txt')", 7)).isEqualTo("SELECT LO_IMPORT('/tmp/a (1).txt', 7)");
        // the OID given already, two calls, a user's function of the same name, a call in a string: nothing to give
        assertThat(LargeObjectCalls.singleServerChosen("SELECT lo_create(42)")).isFalse();
        assertThat(LargeObjectCalls.singleServerChosen("SELECT lo_import('/f', 42)")).isFalse();
        assertThat(LargeObjectCalls.singleServerChosen("SELECT lo_creat(-1), lo_creat(-1)")).isFalse();
        assertThat(LargeObjectCalls.singleServerChosen("SELECT app.lo_creat(-1)")).isFalse();
        assertThat(LargeObjectCalls.singleServerChosen("SELECT 'lo_creat(-1)'")).isFalse();
        assertThat(LargeObjectCalls.withOid("SELECT 1", 7)).isNull();
    }

    @Test
    void selectIntoBecomesCreateTableAsWithNoData() {
        CreateTableAs.SelectInto into = CreateTableAs.selectInto("SELECT g AS n, random() AS r INTO TEMP TABLE \"My T\" FROM generate_series(1, 3) g;");
        assertThat(into.table()).isEqualTo(new Command.Table(null, "My T"));
        assertThat(into.createEmpty()).isEqualTo("CREATE TEMP TABLE \"My T\" AS SELECT g AS n, random() AS r FROM generate_series(1, 3) g WITH NO DATA");
        into = CreateTableAs.selectInto("WITH x AS (SELECT now() AS at) SELECT at INTO UNLOGGED s.t FROM x ORDER BY 1 LIMIT 1");
        assertThat(into.table()).isEqualTo(new Command.Table("s", "t"));
        assertThat(into.createEmpty()).isEqualTo("CREATE UNLOGGED TABLE s.t AS WITH x AS (SELECT now() AS at) SELECT at FROM x ORDER BY 1 LIMIT 1 WITH NO DATA");
        assertThat(CreateTableAs.selectInto("SELECT random() INTO t").createEmpty()).isEqualTo("CREATE TABLE t AS SELECT random() WITH NO DATA");
        assertThat(CreateTableAs.selectInto("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x")).isNull();
        assertThat(CreateTableAs.selectInto("SELECT * FROM (SELECT 1 INTO f) bar")).isNull();
        assertThat(CreateTableAs.selectInto("SELECT nextval('s')")).isNull();
    }
}
