package io.waly.mongo.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waly.command.Expr;
import io.waly.command.Value;
import java.math.BigDecimal;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluatorTest {

    final Evaluator ev = new Evaluator(List.of(), ZoneId.of("UTC"));

    Value eval(Expr e) {
        return ev.eval(e, Evaluator.Row.NONE);
    }

    static Expr n(String s) {
        return new Expr.Literal(s.contains(".") ? Value.numeric(new BigDecimal(s)) : Value.int4(Long.parseLong(s)));
    }

    static Expr op(String op, Expr a, Expr b) {
        return new Expr.Arith(op, a, b);
    }

    @Test
    void integerArithmeticTruncatesLikePostgres() {
        assertThat(eval(op("/", n("7"), n("2"))).value()).isEqualTo(3L);
        assertThat(eval(op("/", n("-7"), n("2"))).value()).isEqualTo(-3L);
        assertThat(eval(op("%", n("-7"), n("2"))).value()).isEqualTo(-1L);
    }

    @Test
    void numericScalesFollowPostgres() {
        assertThat(eval(op("+", n("1.50"), n("1"))).value()).isEqualTo(new BigDecimal("2.50"));
        assertThat(eval(op("*", n("1.5"), n("1.25"))).value()).isEqualTo(new BigDecimal("1.875"));
        // SELECT 1.0 / 3 → 0.33333333333333333333 ; 10.0 / 4 → 2.5000000000000000 ; 1 / 3.0 → 0.33333333333333333333
        assertThat(eval(op("/", n("1.0"), n("3"))).value()).isEqualTo(new BigDecimal("0.33333333333333333333"));
        assertThat(eval(op("/", n("10.0"), n("4"))).value()).isEqualTo(new BigDecimal("2.5000000000000000"));
        assertThat(eval(op("/", n("12345.678"), n("0.5"))).value()).isEqualTo(new BigDecimal("24691.356000000000"));
    }

    @Test
    void threeValuedLogic() {
        Expr nul = new Expr.Literal(Value.NULL);
        Expr t = new Expr.Literal(Value.bool(true));
        Expr f = new Expr.Literal(Value.bool(false));
        assertThat(ev.truth(new Expr.And(List.of(nul, f)), Evaluator.Row.NONE)).isFalse();
        assertThat(ev.truth(new Expr.And(List.of(nul, t)), Evaluator.Row.NONE)).isNull();
        assertThat(ev.truth(new Expr.Or(List.of(nul, t)), Evaluator.Row.NONE)).isTrue();
        assertThat(ev.truth(new Expr.Not(nul), Evaluator.Row.NONE)).isNull();
        assertThat(ev.truth(new Expr.In(n("1"), List.of(n("2"), nul), true), Evaluator.Row.NONE)).isNull();
        assertThat(ev.truth(new Expr.Compare("<", new Expr.Literal(Value.text("2024-01-02")),
                new Expr.Cast(new Expr.Literal(Value.text("2024-01-10")), "date")), Evaluator.Row.NONE)).isTrue();
    }

    @Test
    void functionsAndTypedLiterals() {
        assertThat(eval(new Expr.Func("upper", List.of(new Expr.Literal(Value.text("abc"))))).value()).isEqualTo("ABC");
        assertThat(eval(new Expr.Func("coalesce", List.of(new Expr.Literal(Value.NULL), n("3")))).value()).isEqualTo(3L);
        assertThat(eval(new Expr.Func("round", List.of(n("2.5")))).value()).isEqualTo(new BigDecimal("3"));
        assertThat(eval(new Expr.Func("round", List.of(n("-2.345"), n("2")))).value()).isEqualTo(new BigDecimal("-2.35"));
        assertThat(eval(new Expr.Func("substring", List.of(new Expr.Literal(Value.text("hello")), n("2"), n("3")))).value()).isEqualTo("ell");
        assertThat(eval(new Expr.Arith("||", new Expr.Literal(Value.text("a")), n("1"))).value()).isEqualTo("a1");
        assertThat(eval(new Expr.Cast(new Expr.Literal(Value.text("2024-02-29")), "date")).value()).isEqualTo("2024-02-29");
        assertThatThrownBy(() -> eval(new Expr.Func("now", List.of()))).isInstanceOf(UntranslatableException.class).hasMessageContaining("volatile");
        assertThatThrownBy(() -> eval(new Expr.Func("frobnicate", List.of()))).isInstanceOf(UntranslatableException.class);
    }

    static Catalog.Column column(String type, Expr dflt) {
        return new Catalog.Column("c", ColumnType.parse(type), false, dflt, false);
    }

    @Test
    void defaultsAreConstantsOnly() {
        assertThat(ev.defaultValue(column("int", n("0"))).value()).isEqualTo(0L);
        assertThat(ev.defaultValue(column("text", new Expr.Cast(new Expr.Literal(Value.text("new")), "text"))).value()).isEqualTo("new");
        assertThat(ev.defaultValue(column("bool", new Expr.Literal(Value.bool(true)))).value()).isEqualTo(true);
        assertThat(ev.defaultValue(column("int", new Expr.Negate(n("1")))).value()).isEqualTo(-1L);
        assertThat(ev.defaultValue(column("text", null)).isNull()).isTrue();
        assertThatThrownBy(() -> ev.defaultValue(column("serial", null))).hasMessageContaining("sequence");
        assertThatThrownBy(() -> ev.defaultValue(column("int", new Expr.Func("nextval", List.of(new Expr.Literal(Value.text("s")))))))
                .hasMessageContaining("sequence");
        assertThatThrownBy(() -> ev.defaultValue(new Catalog.Column("c", ColumnType.parse("int"), false, null, true))).hasMessageContaining("generated");
        assertThatThrownBy(() -> ev.defaultValue(column("timestamptz", new Expr.Func("now", List.of())))).hasMessageContaining("volatile now()");
        // a default an older log kept as SQL text is not read here
        assertThatThrownBy(() -> ev.defaultValue(column("int", new Expr.Raw("0")))).hasMessageContaining("no known value");
    }
}
