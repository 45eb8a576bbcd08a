package io.waly.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waly.command.Command;
import io.waly.command.Expr;
import io.waly.command.Value;
import io.waly.log.payload.Payloads;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelTest {

    static final String MODEL = """
            tables:
              accounts: {columns: [id, email, balance]}
              sessions: {}
              audit_log: {}
            policies:
              rules:
                - name: migrations-may
                  match: {roles: [migrator]}
                  action: allow
                - name: no-unbounded-writes
                  match: {kind: [DELETE, UPDATE], where: unbounded}
                  action: deny
                  reason: every row of the table
                - name: protect-accounts
                  match: {kind: [TRUNCATE, DROP TABLE], tables: [accounts]}
                  action: deny
                - name: mass-update
                  match: {kind: UPDATE, tables: [accounts]}
                  action: limit
                  rows: 100
                - name: audit-watch
                  match: {tables: [/audit_.*/]}
                  action: warn
                  mode: warn
                - name: old-apps
                  match: {appVersions: ["1.*"], kind: DDL}
                  action: deny
                  mode: off
              record:
                sessions: {log: false}
                accounts: {hash: [email]}
              routes:
                read-model:
                  tables: [accounts]
                  kinds: [INSERT, UPDATE, DELETE, CREATE TABLE]
            """;

    static Command.Table t(String name) {
        return new Command.Table(null, name);
    }

    static Expr lit(long v) {
        return new Expr.Literal(Value.int4(v));
    }

    static Command.Delete delete(String table, Expr where) {
        return new Command.Delete(t(table), where, null, null);
    }

    @Test
    void rulesDecideOnTheParsedCommand() {
        Policies p = Model.parse(MODEL, "m.yaml").policies();
        Expr idIs5 = new Expr.Compare("=", new Expr.Column(null, "id"), new Expr.Param(1));
        assertThat(p.decide(delete("orders", null), "app", null).refusal().name()).isEqualTo("no-unbounded-writes");
        assertThat(p.decide(delete("orders", new Expr.Compare("=", lit(1), lit(1))), "app", null).refusal()).isNotNull();
        assertThat(p.decide(delete("orders", idIs5), "app", null)).isSameAs(Verdict.NONE);
        // an enforced allow placed first ends the reading
        assertThat(p.decide(delete("orders", null), "migrator", null).refusal()).isNull();
        // a role the driver could not ask: an allow naming roles is not taken, so the deny after it holds
        assertThat(p.namesRoles()).isTrue();
        assertThat(p.decide(delete("orders", null), null, null).refusal().name()).isEqualTo("no-unbounded-writes");
        Policies roleDeny = Model.parse("""
                tables: {orders: {}}
                policies:
                  rules: [{name: r, match: {roles: [migrator], kind: DELETE}, action: deny}]
                """, "r.yaml").policies();
        assertThat(roleDeny.decide(delete("orders", idIs5), "app", null)).isSameAs(Verdict.NONE);
        assertThat(roleDeny.decide(delete("orders", idIs5), null, null).refusal().name()).isEqualTo("r");
        assertThat(p.decide(new Command.Truncate(List.of(t("accounts")), false, false), "app", null).refusal().name())
                .isEqualTo("protect-accounts");
        assertThat(p.decide(new Command.Ddl.Drop("TABLE", List.of(new Command.Table("public", "accounts")), false, false), "app", null)
                .refusal().name()).isEqualTo("protect-accounts");
        assertThat(p.decide(new Command.Ddl.Drop("INDEX", List.of(t("accounts")), false, false), "app", null).refusal()).isNull();
        Verdict update = p.decide(new Command.Update(t("accounts"), List.of(new Command.Assignment("balance", lit(0))), idIs5, null, null), "app", null);
        assertThat(update.limit().rows()).isEqualTo(100);
        assertThat(update.refusal()).isNull();
        Verdict audit = p.decide(new Command.Insert(t("audit_log"), List.of("x"), List.of(List.of(lit(1))), null, null), "app", null);
        assertThat(audit.warnings()).extracting(Rule::name).containsExactly("audit-watch");
        // off: not read
        assertThat(p.decide(new Command.Ddl.Drop("INDEX", List.of(t("i")), false, false), "app", "1.2").refusal()).isNull();
    }

    @Test
    void whereFoldsConstants() {
        Expr x = new Expr.Column(null, "x");
        Expr idIs5 = new Expr.Compare("=", new Expr.Column(null, "id"), lit(5));
        List<Expr> alwaysTrue = List.of(
                new Expr.Literal(Value.bool(true)),
                new Expr.Column(null, "true"),
                new Expr.Compare("=", lit(1), lit(1)),
                new Expr.Compare("=", x, x),
                new Expr.Or(List.of(idIs5, new Expr.Literal(Value.bool(true)))),
                new Expr.Not(new Expr.Literal(Value.bool(false))),
                new Expr.Compare("=", new Expr.Arith("+", lit(1), lit(1)), lit(2)),
                new Expr.Compare(">", lit(2), lit(1)),
                new Expr.Compare("=", new Expr.Literal(Value.text("a")), new Expr.Literal(Value.text("a"))),
                new Expr.IsNull(new Expr.Literal(Value.NULL), false),
                new Expr.In(lit(1), List.of(lit(2), lit(1)), false),
                new Expr.Between(lit(2), lit(1), lit(3), false),
                new Expr.Cast(new Expr.Literal(Value.text("t")), "boolean"),
                new Expr.And(List.of(new Expr.Compare("=", lit(1), lit(1)), new Expr.Literal(Value.bool(true)))));
        for (Expr e : alwaysTrue) assertThat(Conditions.alwaysTrue(e)).as(e.toString()).isTrue();
        List<Expr> bounded = List.of(idIs5,
                new Expr.Compare("=", lit(1), lit(2)),
                new Expr.Compare("=", new Expr.Param(1), new Expr.Param(1)),
                new Expr.Compare("=", lit(1), new Expr.Literal(Value.NULL)),
                new Expr.And(List.of(new Expr.Literal(Value.bool(true)), idIs5)),
                new Expr.Or(List.of(idIs5, new Expr.Compare("=", lit(1), lit(2)))),
                new Expr.Compare("<", x, x));
        for (Expr e : bounded) assertThat(Conditions.alwaysTrue(e)).as(e.toString()).isFalse();
    }

    @Test
    void recordingLeavesTablesOutAndHashesColumns() {
        Policies p = Model.parse(MODEL, "m.yaml").policies();
        Command insertSession = new Command.Insert(t("sessions"), List.of("id"), List.of(List.of(lit(1))), null, null);
        assertThat(p.decide(insertSession, "app", null).logged()).isFalse();
        assertThat(p.decide(new Command.Ddl.CreateTable(t("sessions"), List.of(), List.of(), false, null, null), "app", null).logged()).isTrue();
        assertThat(p.decide(new Command.Truncate(List.of(t("sessions"), t("orders")), false, false), "x", null).logged()).isTrue();

        Command insert = new Command.Insert(t("accounts"), List.of("id", "email"),
                List.of(List.of(new Expr.Param(1), new Expr.Param(2)), List.of(lit(3), new Expr.Literal(Value.text("a@b.c")))), null, null);
        HashPlan plan = p.decide(insert, "app", null).hashing();
        assertThat(plan.params()).containsExactly(java.util.Map.entry(2, "email"));
        assertThat(plan.literals()).containsExactly(java.util.Map.entry(Value.text("a@b.c"), "email"));
        assertThat(((Command.Insert) plan.command()).rows().get(1).get(1)).isEqualTo(new Expr.Literal(HashPlan.hash(Value.text("a@b.c"))));
        assertThat(HashPlan.hash(Value.text("a@b.c")).value()).asString().hasSize(64).doesNotContain("a@b");
        // in a column that is not text: a hash of the column's type, the same for the same value; NULL for types that hold none
        Value uuid = HashPlan.hash(Value.text("a@b.c"), "uuid");
        assertThat(uuid.kind()).isEqualTo(Value.Kind.UUID);
        assertThat(java.util.UUID.fromString((String) uuid.value())).isNotNull();
        assertThat(HashPlan.hash(Value.int4(7), "int4")).isEqualTo(HashPlan.hash(Value.text("7"), "int4"));
        assertThat((Long) HashPlan.hash(Value.int4(7), "int4").value()).isBetween(0L, (long) Integer.MAX_VALUE);
        assertThat((Long) HashPlan.hash(Value.int4(7), "int2").value()).isBetween(0L, (long) Short.MAX_VALUE);
        assertThat(HashPlan.hash(Value.text("2020-01-01"), "date").isNull()).isTrue();
        assertThat(HashPlan.hash(Value.NULL, "int4").isNull()).isTrue();
        Command update = new Command.Update(t("accounts"), List.of(new Command.Assignment("balance", new Expr.Param(1))),
                new Expr.Compare("=", new Expr.Column(null, "email"), new Expr.Param(2)), null, null);
        assertThat(p.decide(update, "app", null).hashing().params()).containsExactly(java.util.Map.entry(2, "email"));
        assertThat(p.recording().unloggedTables()).containsExactly("sessions");
        assertThat(p.recording().hashedColumns()).containsEntry("accounts", List.of("email"));
    }

    @Test
    void routesTakeTheirPart() {
        ModelRoute r = Model.parse(MODEL, "m.yaml").policies().route("read-model");
        assertThat(r.takes(stmt(new Command.Insert(t("accounts"), List.of("id"), List.of(List.of(lit(1))), null, null)))).isTrue();
        assertThat(r.takes(stmt(new Command.Insert(t("sessions"), List.of("id"), List.of(List.of(lit(1))), null, null)))).isFalse();
        assertThat(r.takes(stmt(new Command.Truncate(List.of(t("accounts")), false, false)))).isFalse();
        assertThat(r.takes(stmt(new Command.Ddl.CreateTable(t("accounts"), List.of(), List.of(), false, null, null)))).isTrue();
        assertThatThrownBy(() -> Model.parse(MODEL, "m.yaml").policies().route("mirror"))
                .hasMessageContaining("no route mirror").hasMessageContaining("read-model");
    }

    static Payloads.Statement stmt(Command c) {
        return new Payloads.Statement("…", List.of(), null, c, false, -1, null, 1);
    }

    @Test
    void badModelsAreRefusedNamingTheLine() {
        assertError("""
                tables:
                  accounts: {}
                policies:
                  rules:
                    - name: r
                      match: {tables: [acounts]}
                      action: deny
                """, 6, "unknown table acounts");
        assertError("""
                policies:
                  rules:
                    - name: r
                      match: {tables: ["/audit_(/"]}
                      action: deny
                """, 4, "does not compile");
        assertError("""
                policies:
                  rules:
                    - name: r
                      action: limit
                      rows: 0
                """, 5, "positive whole number");
        assertError("""
                policies:
                  rules:
                    - name: r
                      action: limit
                      rows: many
                """, 5, "positive whole number");
        assertError("""
                policies:
                  rules:
                    - name: r
                      action: limit
                """, 4, "rows: N");
        assertError("""
                policies:
                  rules:
                    - name: r
                      action: deny
                    - name: r
                      action: warn
                """, 5, "used twice");
        assertError("""
                policies:
                  rules:
                    - name: r
                      acton: deny
                """, 4, "unknown key 'acton'");
        assertError("""
                policies:
                  rules:
                    - name: r
                      action: refuse
                """, 4, "deny, warn, allow");
        assertError("""
                policies:
                  rules:
                    - name: r
                      match: {kind: [DELET]}
                      action: deny
                """, 4, "unknown kind 'DELET'");
        assertError("""
                tables:
                  accounts: {columns: [id, email]}
                policies:
                  record:
                    accounts: {hash: [mail]}
                """, 5, "declares no column mail");
        assertError("""
                policies: {}
                policies: {}
                """, 2, "given twice");
        assertError("""
                widgets: {}
                """, 1, "unknown key 'widgets'");
        assertError("""
                policies:
                  rules: [
                """, 2, "not valid YAML");
    }

    @Test
    void modeOffIsTheWordNotFalse() {
        Rule r = Model.parse("""
                policies:
                  rules:
                    - name: r
                      action: deny
                      mode: off
                """, "m.yaml").policies().rules().get(0);
        assertThat(r.mode()).isEqualTo(Rule.Mode.OFF);
        assertThat(Model.parse("policies: {rules: []}", "m").policies().isEmpty()).isTrue();
    }

    static void assertError(String yaml, int line, String text) {
        assertThatThrownBy(() -> Model.parse(yaml, "m.yaml"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining(text)
                .hasMessageStartingWith("m.yaml, line " + line)
                .satisfies(e -> assertThat(((ModelException) e).line()).isEqualTo(line));
    }
}
