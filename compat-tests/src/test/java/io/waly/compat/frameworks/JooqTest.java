package io.waly.compat.frameworks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import io.waly.compat.support.RoundTrip;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jOOQ's DSL without code generation: DDL, inserts, batch (both kinds), RETURNING, ON CONFLICT, nested transactions. */
class JooqTest {

    @TempDir
    Path logDir;

    static final Table<Record> ITEM = table(name("item"));
    static final Field<Long> ID = field(name("id"), SQLDataType.BIGINT);
    static final Field<String> SKU = field(name("sku"), SQLDataType.VARCHAR(32));
    static final Field<Integer> QTY = field(name("qty"), SQLDataType.INTEGER);
    static final Field<BigDecimal> PRICE = field(name("price"), SQLDataType.NUMERIC(10, 2));
    static final Field<OffsetDateTime> CREATED = field(name("created"), SQLDataType.TIMESTAMPWITHTIMEZONE);
    static final Field<LocalDateTime> TOUCHED = field(name("touched"), SQLDataType.LOCALDATETIME);

    @BeforeAll
    static void quiet() {
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
    }

    @Test
    void dslBatchReturningAndOnConflictReplayExactly() throws Exception {
        RoundTrip rt = new RoundTrip("jooq", logDir);
        try (Connection c = rt.walyConnection()) {
            DSLContext ctx = DSL.using(c, SQLDialect.POSTGRES);
            ctx.createTable(ITEM)
                    .column(ID, SQLDataType.BIGINT.identity(true))
                    .column(SKU, SQLDataType.VARCHAR(32).nullable(false))
                    .column(QTY, SQLDataType.INTEGER.defaultValue(0))
                    .column(PRICE)
                    .column(CREATED)
                    .column(TOUCHED)
                    .constraints(DSL.primaryKey(ID), DSL.unique(SKU))
                    .execute();
            ctx.createTable("audit").column("id", SQLDataType.INTEGER.identity(true)).column("what", SQLDataType.CLOB)
                    .constraints(DSL.primaryKey("id")).execute();

            // RETURNING: the generated ids come back to the application (with volatile defaults: returningWithVolatileDefaults)
            OffsetDateTime t0 = OffsetDateTime.parse("2025-03-04T05:06:07.123456Z");
            Record r = ctx.insertInto(ITEM, SKU, QTY, PRICE, CREATED).values("A", 1, new BigDecimal("1.50"), t0).returning(ID, CREATED).fetchOne();
            assertThat(r.get(ID)).isEqualTo(1L);
            assertThat(r.get(CREATED)).isEqualTo(t0);
            Result<Record> many = ctx.insertInto(ITEM, SKU, QTY).values("B", 2).values("C", 3).values("D", 4).returning(ID).fetch();
            assertThat(many.getValues(ID)).containsExactly(2L, 3L, 4L);

            // batch with bind values (one prepared statement, many rows) and a batch of different statements
            var batch = ctx.batch(ctx.insertInto(ITEM, SKU, QTY, PRICE, TOUCHED).values((String) null, null, null, null));
            for (int i = 0; i < 50; i++) {
                batch = batch.bind("batch-" + i, i, new BigDecimal(i + ".25"), LocalDateTime.of(2025, 1, 1, 0, 0).plusMinutes(i));
            }
            assertThat(batch.execute()).hasSize(50);
            int[] mixed = ctx.batch(
                    ctx.update(ITEM).set(QTY, QTY.plus(100)).where(SKU.like("batch-1%")),
                    ctx.deleteFrom(ITEM).where(SKU.eq("batch-49")),
                    ctx.insertInto(table(name("audit")), field(name("what"))).values("mixed batch")).execute();
            assertThat(mixed).containsExactly(11, 1, 1);

            // INSERT … ON CONFLICT: DO UPDATE, DO NOTHING, and with RETURNING
            ctx.insertInto(ITEM, SKU, QTY).values("A", 10)
                    .onConflict(SKU).doUpdate().set(QTY, field(name("item", "qty"), SQLDataType.INTEGER).plus(DSL.excluded(QTY))).set(TOUCHED, LocalDateTime.of(2030, 5, 5, 5, 5))
                    .execute();
            assertThat(ctx.insertInto(ITEM, SKU, QTY).values("B", 99).onConflictDoNothing().execute()).isZero();
            // (… ON CONFLICT … RETURNING after upserts burnt identity values: returningWithVolatileDefaults)
            assertThat(ctx.insertInto(ITEM, SKU, QTY).values("E", 5).onConflict(SKU).doUpdate().set(QTY, 0).execute()).isOne();

            // transactions: nested ones are savepoints; an exception rolls the inner one back only
            ctx.transaction(cfg -> {
                DSLContext tx = DSL.using(cfg);
                tx.update(ITEM).set(PRICE, new BigDecimal("9.99")).where(SKU.eq("C")).execute();
                assertThatThrownBy(() -> tx.transaction(inner -> {
                    DSL.using(inner).deleteFrom(ITEM).execute();
                    throw new IllegalStateException("abandon the inner transaction");
                })).isInstanceOf(IllegalStateException.class);
                tx.insertInto(table(name("audit")), field(name("what"))).values("outer kept").execute();
            });
            assertThatThrownBy(() -> ctx.transaction(cfg -> {
                DSL.using(cfg).deleteFrom(ITEM).where(SKU.eq("A")).execute();
                DSL.using(cfg).insertInto(ITEM, SKU).values((String) null).execute();   // NOT NULL violation
            })).hasMessageContaining("null value");
            // plain SQL through jOOQ (a data-modifying CTE here is CaptureCornersTest's disabled WAL-y bug)
            ctx.execute("DELETE FROM item WHERE sku = ?", "D");
            ctx.execute("INSERT INTO audit (what) SELECT 'moved ' || ? ", "D");
            List<String> skus = ctx.select(SKU).from(ITEM).orderBy(ID).fetch(SKU);
            assertThat(skus).contains("A", "B", "C", "E").doesNotContain("D", "batch-49");
        }
        rt.replayAndAssertEqual();
    }

    @Test
    void returningWithVolatileDefaultsAndBurntIdentities() throws Exception {
        RoundTrip rt = new RoundTrip("jooq_returning", logDir);
        try (Connection c = rt.walyConnection()) {
            DSLContext ctx = DSL.using(c, SQLDialect.POSTGRES);
            ctx.createTable(ITEM).column(ID, SQLDataType.BIGINT.identity(true)).column(SKU, SQLDataType.VARCHAR(32).nullable(false))
                    .column(QTY, SQLDataType.INTEGER.defaultValue(0))
                    .column(CREATED, SQLDataType.TIMESTAMPWITHTIMEZONE.defaultValue(DSL.currentOffsetDateTime()))
                    .constraints(DSL.primaryKey(ID), DSL.unique(SKU)).execute();
            Result<Record> many = ctx.insertInto(ITEM, SKU, QTY).values("B", 2).values("C", 3).returning(ID, CREATED).fetch();
            assertThat(many.getValues(ID)).containsExactly(1L, 2L);
            ctx.insertInto(ITEM, SKU, QTY).values("B", 9).onConflictDoNothing().execute();
            ctx.insertInto(ITEM, SKU, QTY).values("C", 9).onConflict(SKU).doUpdate().set(QTY, 1).execute();
            Record up = ctx.insertInto(ITEM, SKU, QTY).values("E", 5).onConflict(SKU).doUpdate().set(QTY, 0).returning(ID).fetchOne();
            assertThat(up.get(ID)).isEqualTo(5L);   // 3 and 4 were taken by the upserts that inserted nothing
        }
        rt.replayAndAssertEqual();
    }
}
