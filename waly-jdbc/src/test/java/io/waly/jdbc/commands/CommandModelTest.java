package io.waly.jdbc.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waly.command.Command;
import io.waly.model.ArgType;
import io.waly.model.Commands;
import io.waly.model.DeclaredCommand;
import io.waly.model.Model;
import io.waly.model.ModelException;
import io.waly.jdbc.sql.StatementShape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The model's {@code commands:} section, read with the driver's parser: what a declaration becomes, and every refusal at its line. */
class CommandModelTest {

    static final String TABLES = """
            tables:
              accounts: {columns: [id, email, plan, balance]}
              audit: {}
            """;

    @Test
    void aDeclarationBecomesPositionalStatementsAndShapes() {
        Model m = Model.parse(TABLES + """
                commands:
                  CREATE_ACCOUNT:
                    args: {email: text, plan: text, id: integer}
                    postgres:
                      - INSERT INTO accounts(id, email, plan, balance) VALUES (:id, :email, :plan, 0)
                      - "INSERT INTO audit(what, at) VALUES ('created ' || :email, now()::timestamptz)"
                    recognise:
                      - insert into ACCOUNTS (id, email, plan, balance) values (:id, :email, :plan, 0) -- the old code
                """, "m.yaml");
        Commands cs = m.commands();
        DeclaredCommand c = cs.named("create_account");
        assertThat(c).isSameAs(cs.named("CREATE_ACCOUNT"));
        assertThat(c.args()).extracting(DeclaredCommand.Arg::type).containsExactly(ArgType.TEXT, ArgType.TEXT, ArgType.INTEGER);
        assertThat(c.body()).hasSize(2);
        assertThat(c.body().get(0).sql()).isEqualTo("INSERT INTO accounts(id, email, plan, balance) VALUES (?, ?, ?, 0)");
        assertThat(c.body().get(0).params()).containsExactly("id", "email", "plan");
        assertThat(c.body().get(0).command()).isInstanceOf(Command.Insert.class);
        // a '::' cast is not a parameter
        assertThat(c.body().get(1).sql()).isEqualTo("INSERT INTO audit(what, at) VALUES ('created ' || ?, now()::timestamptz)");
        assertThat(c.body().get(1).params()).containsExactly("email");
        // an application's statement that differs in literals, spacing, case and comments has the recognised shape
        String sent = "INSERT INTO accounts (id, email, plan, balance)\n VALUES (7, 'a@example.com', ?, 0)";
        Commands.Recognised r = cs.recognise(StatementShape.of(sent).key());
        assertThat(r).isNotNull();
        assertThat(r.command()).isSameAs(c);
        assertThat(r.shape().params()).containsExactly("id", "email", "plan", null);
        assertThat(r.shape().literals()).containsExactly(null, null, null, io.waly.command.Value.int4(0));
        assertThat(Arrays.stream(StatementShape.of(sent).shape().placeholders()).boxed()).containsExactly(-1, -2, 1, -3);
        assertThat(cs.recognise(StatementShape.of("INSERT INTO accounts(id, email) VALUES (?, ?)").key())).isNull();
    }

    @Test
    void badDeclarationsAreRefusedAtTheirLine() {
        assertError("""
                commands:
                  CREATE_ACCOUNT:
                    args: {email: text}
                    postgres:
                      - INSERT INTO acounts(email) VALUES (:email)
                """, 8, "unknown table acounts (declared: accounts, audit)");
        assertError("""
                commands:
                  CREATE_ACCOUNT:
                    args: {email: text}
                    postgres:
                      - UPDATE accounts SET emial = :email WHERE id = 1
                """, 8, "unknown column emial of table accounts");
        assertError("""
                commands:
                  CREATE_ACCOUNT:
                    args: {email: text}
                    postgres:
                      - DELETE FROM accounts WHERE email = :mail
                """, 8, "unknown argument :mail of CREATE_ACCOUNT (args: email)");
        assertError("""
                commands:
                  CREATE_ACCOUNT:
                    args: {email: text, plan: text}
                    postgres:
                      - INSERT INTO accounts(email) VALUES (:email)
                """, 6, "argument plan of CREATE_ACCOUNT is not used by its body");
        assertError("""
                commands:
                  CREATE_ACCOUNT:
                    args: {email: txt}
                    postgres: ["INSERT INTO accounts(email) VALUES (:email)"]
                """, 6, "unknown argument type 'txt'");
        assertError("""
                commands:
                  CREATE_ACCOUNT:
                    args: {email: text}
                    postgres: ["INSERT INTO accounts(email) VALUES (:email)"]
                  create_account:
                    args: {email: text}
                    postgres: ["INSERT INTO accounts(email) VALUES (:email)"]
                """, 9, "command create_account is declared twice (as CREATE_ACCOUNT at line 6");
        assertError("""
                commands:
                  SCHEMA_VERSION:
                    args: {email: text}
                    postgres: ["INSERT INTO accounts(email) VALUES (:email)"]
                """, 6, "command SCHEMA_VERSION has WAL-y's own name: CALL waly.schema_version('N') marks a migration");
        assertError("""
                commands:
                  CREATE_ACCOUNT:
                    args: {email: text}
                    postgres: ["INSERT INTO accounts(email) VALUES (:email)"]
                    recognise: ["INSERT INTO accounts(email) VALUES (:email)"]
                  SIGN_UP:
                    args: {email: text}
                    postgres: ["INSERT INTO accounts(email) VALUES (:email)"]
                    recognise: ["INSERT INTO accounts (email) VALUES (:email) -- spelt otherwise, the same shape"]
                """, 12, "recognised as CREATE_ACCOUNT already (line 6)");
        assertError("""
                commands:
                  CREATE_ACCOUNT:
                    args: {email: text, plan: text}
                    postgres: ["INSERT INTO accounts(email, plan) VALUES (:email, :plan)"]
                    recognise: ["INSERT INTO accounts(email, plan) VALUES (:email, 'free')"]
                """, 8, "this shape gives no value for argument plan");
        assertError("""
                commands:
                  WIPE:
                    postgres: ["TRUNCATE accounts"]
                """, 6, "a body statement is an INSERT, UPDATE or DELETE");
        assertError("""
                commands:
                  CLOSE:
                    args: {id: integer}
                    postgres: ["DELETE FROM accounts WHERE id = :id; DELETE FROM audit"]
                """, 7, "one SQL statement is expected here");
        assertError("""
                commands:
                  CLOSE:
                    args: {id: integer}
                    postgres: ["DELETE FROM accounts WHERE id IN (SELECT id FROM audit) AND id = :id"]
                """, 7, "no subquery");
        assertError("""
                commands:
                  CLOSE:
                    args: {id: integer}
                    postgres: ["DELETE FROM accounts WHERE id = :id"]
                    mongo: {deleteOne: accounts}
                """, 8, "mongo must be a single value");
        assertError("""
                commands:
                  DEPOSIT:
                    args: {id: integer, amount: text}
                    postgres: ["UPDATE accounts SET balance = balance + :amount WHERE id = :id"]
                """, 7, "argument amount of DEPOSIT is text, which does not fit the arithmetic '+'");
        assertError("""
                commands:
                  FIND:
                    args: {pattern: integer}
                    postgres: ["DELETE FROM accounts WHERE email LIKE :pattern"]
                """, 7, "argument pattern of FIND is integer, which does not fit LIKE");
        assertError("""
                commands:
                  create-account:
                    postgres: ["DELETE FROM accounts"]
                """, 6, "a command's name is a letter then letters, digits and _");
    }

    static void assertError(String commands, int line, String text) {
        assertThatThrownBy(() -> Model.parse(TABLES + commands, "m.yaml"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining(text)
                .hasMessageStartingWith("m.yaml, line " + line)
                .satisfies(e -> assertThat(((ModelException) e).line()).isEqualTo(line));
    }
}
