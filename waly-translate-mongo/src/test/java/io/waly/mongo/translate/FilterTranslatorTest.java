package io.waly.mongo.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waly.command.Command;
import io.waly.command.Expr;
import io.waly.command.Value;
import java.math.BigDecimal;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class FilterTranslatorTest {

    static final Catalog.Table T = Catalog.fromDefinition("t", new Command.Ddl.CreateTable(new Command.Table(null, "t"), List.of(
            new Command.Ddl.ColumnDef("id", "int", true, null, null, null),
            Command.Ddl.ColumnDef.of("name", "text"),
            Command.Ddl.ColumnDef.of("price", "numeric(10,2)"),
            Command.Ddl.ColumnDef.of("born", "date"),
            Command.Ddl.ColumnDef.of("active", "boolean"),
            Command.Ddl.ColumnDef.of("other", "int"),
            Command.Ddl.ColumnDef.of("code", "char(3)")), List.of(new Command.Ddl.PrimaryKey(null, List.of("id"))), false, null, null));

    static Expr col(String n) {
        return new Expr.Column(null, n);
    }

    static Expr lit(Object o) {
        return new Expr.Literal(o == null ? Value.NULL : o instanceof Integer i ? Value.int4(i) : o instanceof String s ? Value.text(s)
                : o instanceof BigDecimal d ? Value.numeric(d) : Value.bool((Boolean) o));
    }

    static FilterTranslator.Filter f(Expr e, Value... params) {
        return new FilterTranslator(T, new Evaluator(List.of(params), ZoneId.of("UTC"))).translate(e);
    }

    static String json(Expr e, Value... params) {
        FilterTranslator.Filter f = f(e, params);
        assertThat(f.exact()).as("exact").isTrue();
        return f.pushed().toJson();
    }

    @Test
    void comparisonsConvertTheConstantToTheColumnType() {
        assertThat(json(new Expr.Compare("=", col("id"), lit(5)))).isEqualTo("{\"id\": 5}");
        assertThat(json(new Expr.Compare(">", col("price"), lit(new BigDecimal("9.5")))))
                .isEqualTo("{\"price\": {\"$gt\": {\"$numberDecimal\": \"9.50\"}}}");
        assertThat(json(new Expr.Compare("<=", col("born"), lit("2024-01-31"))))
                .isEqualTo("{\"born\": {\"$lte\": {\"$date\": \"2024-01-31T00:00:00Z\"}}}");
        // constant on the left: operator flipped
        assertThat(json(new Expr.Compare("<", lit(3), col("id")))).isEqualTo("{\"id\": {\"$gt\": 3}}");
        assertThat(json(new Expr.Compare("=", col("id"), new Expr.Param(1)), Value.int8(7))).isEqualTo("{\"id\": 7}");
    }

    @Test
    void notEqualAndNegationExcludeNulls() {
        assertThat(json(new Expr.Compare("<>", col("name"), lit("a")))).isEqualTo("{\"name\": {\"$nin\": [\"a\", null]}}");
        assertThat(json(new Expr.Not(new Expr.Compare("=", col("name"), lit("a"))))).isEqualTo("{\"name\": {\"$nin\": [\"a\", null]}}");
        assertThat(json(new Expr.Not(new Expr.Compare("<", col("id"), lit(3))))).isEqualTo("{\"id\": {\"$gte\": 3}}");
        assertThat(json(new Expr.Not(new Expr.And(List.of(new Expr.Compare("=", col("id"), lit(1)), new Expr.Compare("=", col("other"), lit(2)))))))
                .isEqualTo("{\"$or\": [{\"id\": {\"$nin\": [1, null]}}, {\"other\": {\"$nin\": [2, null]}}]}");
        // = NULL is never true
        assertThat(json(new Expr.Compare("=", col("name"), lit(null)))).isEqualTo("{\"_id\": {\"$exists\": false}}");
    }

    @Test
    void inIsNullBetweenLike() {
        assertThat(json(new Expr.In(col("id"), List.of(lit(1), lit(2)), false))).isEqualTo("{\"id\": {\"$in\": [1, 2]}}");
        assertThat(json(new Expr.In(col("id"), List.of(lit(1), lit(2)), true))).isEqualTo("{\"id\": {\"$nin\": [1, 2, null]}}");
        assertThat(json(new Expr.In(col("id"), List.of(lit(1), lit(null)), true))).isEqualTo("{\"_id\": {\"$exists\": false}}");
        assertThat(json(new Expr.IsNull(col("name"), false))).isEqualTo("{\"name\": null}");
        assertThat(json(new Expr.IsNull(col("name"), true))).isEqualTo("{\"name\": {\"$ne\": null}}");
        assertThat(json(new Expr.Between(col("id"), lit(1), lit(9), false))).isEqualTo("{\"id\": {\"$gte\": 1, \"$lte\": 9}}");
        assertThat(json(new Expr.Between(col("id"), lit(1), lit(9), true)))
                .isEqualTo("{\"$or\": [{\"id\": {\"$lt\": 1}}, {\"id\": {\"$gt\": 9}}]}");
        assertThat(json(new Expr.Like(col("name"), lit("a%b_c.d"), false, false)))
                .isEqualTo("{\"name\": {\"$regularExpression\": {\"pattern\": \"^\\\\Qa\\\\E.*\\\\Qb\\\\E.\\\\Qc.d\\\\E$\", \"options\": \"s\"}}}");
        assertThat(json(new Expr.Column(null, "active"))).isEqualTo("{\"active\": true}");
        assertThat(json(new Expr.Not(new Expr.Column(null, "active")))).isEqualTo("{\"active\": false}");
    }

    @Test
    void bpcharComparesPadded() {
        assertThat(json(new Expr.Compare("=", col("code"), lit("ab")))).isEqualTo("{\"code\": \"ab \"}");
    }

    @Test
    void whatCannotBePushedIsEvaluatedPerDocument() {
        Expr colCol = new Expr.Compare(">", col("id"), col("other"));
        FilterTranslator.Filter f = f(new Expr.And(List.of(new Expr.Compare("=", col("name"), lit("x")), colCol)));
        assertThat(f.pushed().toJson()).isEqualTo("{\"name\": \"x\"}");
        assertThat(f.residual()).isEqualTo(colCol);
        assertThatThrownBy(() -> f(new Expr.Compare("=", col("name"), new Expr.Func("my_func", List.of()))))
                .isInstanceOf(UntranslatableException.class).hasMessageContaining("my_func");
        assertThatThrownBy(() -> f(new Expr.In(col("id"), List.of(new Expr.Raw("SELECT id FROM u")), false)))
                .isInstanceOf(UntranslatableException.class).hasMessageContaining("SELECT id FROM u");
    }

    @Test
    void unknownTablesAreNeverPushed() {
        FilterTranslator.Filter f = new FilterTranslator(null, new Evaluator(List.of(), ZoneId.of("UTC"))).translate(new Expr.Compare("=", col("a"), lit(1)));
        assertThat(f.pushed().isEmpty()).isTrue();
        assertThat(f.residual()).isNotNull();
    }
}
